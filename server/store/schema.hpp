#pragma once
#include <sqlite3.h>

namespace confab::store::sqlite {

// Brings the database up to the latest schema, tracked in PRAGMA user_version.
// Throws StoreError if the file was written by a newer confab.
void migrate(sqlite3* db);

// The schema version this build writes.
int latest_schema_version();

}  // namespace confab::store::sqlite
