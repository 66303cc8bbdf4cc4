#pragma once
// Thin RAII layer over the SQLite C API; every failure becomes a StoreError.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace confab::store::sqlite {

struct DatabaseCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;

// Opens (creating if allowed by `flags`) the database at `path`.
Database open_database(const std::string& path, int flags);

// Runs one or more statements that return no rows we need.
void execute(sqlite3* db, std::string_view sql);

// Throws StoreError("<context>: <sqlite message>") unless `rc` is one of the ok codes.
void check(sqlite3* db, int rc, std::string_view context);

// A prepared statement, reused across calls. Use through Statement::Run so it is
// always reset: an unreset SELECT keeps a read snapshot open and blocks WAL checkpoints.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);

  class Run {
   public:
    explicit Run(Statement& statement) : statement_(statement) {}
    ~Run();
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    Run& bind(int index, std::string_view text);
    Run& bind(int index, std::int64_t value);
    Run& bind_optional(int index, const std::optional<std::string>& text);

    // Advances to the next row; false when done.
    bool step();
    // Runs a statement that returns no rows.
    void execute();

    std::string text(int column) const;
    std::optional<std::string> optional_text(int column) const;
    std::int64_t int64(int column) const;

   private:
    Statement& statement_;
  };

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if commit() was not reached.
class Transaction {
 public:
  explicit Transaction(sqlite3* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace confab::store::sqlite
