#include "store/sqlite_handle.hpp"

#include "store/store_error.hpp"

namespace confab::store::sqlite {

namespace {

std::string describe(sqlite3* db, int rc) {
  // sqlite3_errmsg is more specific than errstr but needs a handle.
  return db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

}  // namespace

void check(sqlite3* db, int rc, std::string_view context) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  throw StoreError(std::string(context) + ": " + describe(db, rc));
}

Database open_database(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // sqlite allocates a handle even on failure; own it so it is closed either way.
  Database db(raw);
  if (rc != SQLITE_OK) {
    throw StoreError("cannot open database '" + path + "': " + describe(db.get(), rc));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

void execute(sqlite3* db, std::string_view sql) {
  const std::string text(sql);
  check(db, sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr),
        "cannot execute '" + text + "'");
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  stmt_.reset(raw);
  check(db, rc, "cannot prepare '" + std::string(sql) + "'");
}

Statement::Run::~Run() {
  sqlite3_reset(statement_.stmt_.get());
  sqlite3_clear_bindings(statement_.stmt_.get());
}

Statement::Run& Statement::Run::bind(int index, std::string_view text) {
  check(statement_.db_,
        sqlite3_bind_text64(statement_.stmt_.get(), index, text.data(), text.size(),
                            SQLITE_TRANSIENT, SQLITE_UTF8),
        "cannot bind text");
  return *this;
}

Statement::Run& Statement::Run::bind(int index, std::int64_t value) {
  check(statement_.db_, sqlite3_bind_int64(statement_.stmt_.get(), index, value),
        "cannot bind integer");
  return *this;
}

Statement::Run& Statement::Run::bind_optional(int index, const std::optional<std::string>& text) {
  if (text) return bind(index, std::string_view(*text));
  check(statement_.db_, sqlite3_bind_null(statement_.stmt_.get(), index), "cannot bind null");
  return *this;
}

bool Statement::Run::step() {
  const int rc = sqlite3_step(statement_.stmt_.get());
  check(statement_.db_, rc, "cannot run statement");
  return rc == SQLITE_ROW;
}

void Statement::Run::execute() {
  while (step()) {
  }
}

std::string Statement::Run::text(int column) const {
  sqlite3_stmt* stmt = statement_.stmt_.get();
  const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  if (bytes == nullptr) return {};
  return std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
}

std::optional<std::string> Statement::Run::optional_text(int column) const {
  if (sqlite3_column_type(statement_.stmt_.get(), column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

std::int64_t Statement::Run::int64(int column) const {
  return sqlite3_column_int64(statement_.stmt_.get(), column);
}

Transaction::Transaction(sqlite3* db) : db_(db) {
  execute(db_, "BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  execute(db_, "COMMIT");
  done_ = true;
}

}  // namespace confab::store::sqlite
