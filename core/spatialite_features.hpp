// SPDX-License-Identifier: GPL-3.0-or-later
// The FeatureCatalog of a SpatiaLite database, on the LedgerStore's own connection.
#pragma once

#include "core/feature_catalog.hpp"
#include "schema/database.hpp"

#include <memory>

namespace cims::core {

class LedgerStore;

/// `store` is the LedgerStore owning `db`: the state of hazardous areas at a past date is
/// replayed through it.
std::unique_ptr<FeatureCatalog> make_spatialite_features(schema::Database& db, LedgerStore& store);

} // namespace cims::core
