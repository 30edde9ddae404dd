# SPDX-License-Identifier: GPL-3.0-or-later
# Writes OUT (a .cpp) holding every schema/migrations/NNNN_*.sql as a string, in version order, so
# the binary carries its own schema and needs no files at run time.
file(GLOB files "${SRC}/migrations/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME_WE)
  string(SUBSTRING "${name}" 0 4 num)
  math(EXPR version "${num}")
  file(READ "${f}" sql)
  string(APPEND body "    {${version}, \"${name}\", R\"cims_sql(${sql})cims_sql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from schema/migrations by embed_migrations.cmake; do not edit.\n#include \"schema/migrator.hpp\"\nnamespace cims::schema {\nconst std::vector<Migration>& migrations()\n{\n    static const std::vector<Migration> all = {\n${body}    };\n    return all;\n}\n} // namespace cims::schema\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
