#pragma once
// A failed invariant in a fuzz target: print what broke and abort, so libFuzzer records the
// input as a crash. Not assert(): these checks must stay on in release builds.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)
