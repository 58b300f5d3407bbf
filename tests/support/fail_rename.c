/* A rank that fails mid-run, for the MPI tests (tests/cli/lee_mpi_test.cpp), without a
   hook in darkscan: preloaded (LD_PRELOAD), this rename() fails with ENOSPC, as on a
   full disk, on the Nth rename onto a toy checkpoint (a name ending ".toys.partial")
   of the rank DARKSCAN_TEST_FAIL_RANK (OMPI_COMM_WORLD_RANK), N being
   DARKSCAN_TEST_FAIL_RENAME (default 1). Every other rename is the C library's. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ends_with(const char* text, const char* suffix) {
  const size_t n = strlen(text), m = strlen(suffix);
  return n >= m && strcmp(text + n - m, suffix) == 0;
}

int rename(const char* from, const char* to) {
  static int (*real)(const char*, const char*) = NULL;
  static int seen = 0;
  if (real == NULL) real = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "rename");
  const char* rank = getenv("OMPI_COMM_WORLD_RANK");
  const char* failing = getenv("DARKSCAN_TEST_FAIL_RANK");
  const char* nth = getenv("DARKSCAN_TEST_FAIL_RENAME");
  if (rank != NULL && failing != NULL && strcmp(rank, failing) == 0 && ends_with(to, ".toys.partial") &&
      ++seen == (nth != NULL ? atoi(nth) : 1)) {
    errno = ENOSPC;
    return -1;
  }
  return real(from, to);
}
