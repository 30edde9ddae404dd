// SPDX-License-Identifier: GPL-3.0-or-later
// The AccountStore of a SpatiaLite database, on the LedgerStore's own connection.
#pragma once

#include "core/account_store.hpp"
#include "schema/database.hpp"

#include <memory>

namespace cims::core {

std::unique_ptr<AccountStore> make_spatialite_accounts(schema::Database& db);

} // namespace cims::core
