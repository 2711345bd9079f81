/*
 * C caller of libsantei: every function of santei.h, every error path, 8 threads on one engine
 * (and santei_futan from every thread).
 * Built and run by ffi/tests/c_api.rs (also under valgrind), which passes the expected totals
 * that it computed with the Rust engine directly.
 *
 * usage: test (--masters DIR | --default) [--threads N] [--iters N] [--rejected CLAIM.json]
 *             CLAIM.json=TOTAL_POINTS...
 *
 * Prints "FAIL: ..." for each failed check and ends with "N passed, N failed"; exit status 1
 * when a check failed.
 */
#define _POSIX_C_SOURCE 200809L
#include "santei.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int passed, failed;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static void check_(int ok, const char *what, int line) {
  pthread_mutex_lock(&count_lock);
  if (ok) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "FAIL: test.c:%d: %s (last error: \"%s\")\n", line, what, santei_last_error());
  }
  pthread_mutex_unlock(&count_lock);
}
#define CHECK(cond) check_((cond) ? 1 : 0, #cond, __LINE__)

/* A status check that prints the status name and message on failure. */
#define CHECK_STATUS(call, want)                                                                \
  do {                                                                                          \
    santei_status got_ = (call);                                                                \
    if (got_ != (want)) {                                                                       \
      fprintf(stderr, "FAIL: test.c:%d: %s returned %d (%s), want %s\n", __LINE__, #call,      \
              (int)got_, santei_status_str((int)got_), #want);                                 \
      fprintf(stderr, "      last error: \"%s\"\n", santei_last_error());                      \
      pthread_mutex_lock(&count_lock);                                                          \
      failed++;                                                                                 \
      pthread_mutex_unlock(&count_lock);                                                        \
    } else {                                                                                    \
      pthread_mutex_lock(&count_lock);                                                          \
      passed++;                                                                                 \
      pthread_mutex_unlock(&count_lock);                                                        \
    }                                                                                           \
  } while (0)

typedef struct {
  char *path;
  uint8_t *json;
  size_t len;
  long long total;
} claim;

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *bigger = realloc(buf, cap * 2);
      if (!bigger) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

/* "total_points": N from a result JSON (compact or pretty); -999999999 when absent. */
static long long total_points(const santei_buffer *buf) {
  const char *json = (const char *)santei_buffer_data(buf);
  const char *p = json ? strstr(json, "\"total_points\":") : NULL;
  if (!p) return -999999999;
  return strtoll(p + strlen("\"total_points\":"), NULL, 10);
}

static int contains(const santei_buffer *buf, const char *needle) {
  const char *json = (const char *)santei_buffer_data(buf);
  return json && strstr(json, needle) != NULL;
}

static int last_error_contains(const char *needle) {
  return strstr(santei_last_error(), needle) != NULL;
}

/* A pointer value that santei never returns: outputs must keep it on failure. */
static char sentinel_storage;
#define SENTINEL ((void *)&sentinel_storage)

static void test_basics(void) {
  CHECK(santei_abi_version() == SANTEI_ABI_VERSION);
  CHECK(strlen(santei_version()) > 0);
  CHECK(santei_version() == santei_version()); /* static */
  CHECK(strcmp(santei_last_error(), "") == 0); /* nothing failed yet on this thread */
  for (int s = SANTEI_OK; s <= SANTEI_NO_MASTER; s++) {
    CHECK(strlen(santei_status_str(s)) > 0);
    CHECK(strcmp(santei_status_str(s), "unknown status") != 0);
  }
  CHECK(strcmp(santei_status_str(-1), "unknown status") == 0);
  CHECK(strcmp(santei_status_str(SANTEI_NO_MASTER + 1), "unknown status") == 0);
  CHECK(SANTEI_NO_MASTER == 11); /* appended after SANTEI_INTERNAL (10) */
  CHECK(strcmp(santei_status_str(SANTEI_OK), "ok") == 0);
  /* NULL-safe frees and accessors. */
  santei_masters_free(NULL);
  santei_engine_free(NULL);
  santei_buffer_free(NULL);
  CHECK(santei_buffer_data(NULL) == NULL);
  CHECK(santei_buffer_len(NULL) == 0);
}

static void test_masters_errors(void) {
  santei_masters *m = SENTINEL;
  CHECK_STATUS(santei_masters_open(NULL, &m), SANTEI_NULL_ARGUMENT);
  CHECK(last_error_contains("dir_utf8"));
  CHECK(m == SENTINEL);
  CHECK_STATUS(santei_masters_open("/tmp", NULL), SANTEI_NULL_ARGUMENT);
  CHECK(last_error_contains("out"));
  CHECK_STATUS(santei_masters_open_default(NULL), SANTEI_NULL_ARGUMENT);
  CHECK_STATUS(santei_masters_open("/tmp/\xff\xfe-not-utf8", &m), SANTEI_INVALID_UTF8);
  CHECK(last_error_contains("UTF-8"));
  CHECK(m == SENTINEL);
  CHECK_STATUS(santei_masters_open("/nonexistent/santei-masters-dir", &m), SANTEI_IO);
  CHECK(last_error_contains("/nonexistent/santei-masters-dir"));
  CHECK(m == SENTINEL);

  /* A folder holding one broken s master file. */
  char dir[] = "/tmp/santei-c-test-XXXXXX";
  if (mkdtemp(dir) == NULL) {
    CHECK(!"mkdtemp failed");
    return;
  }
  char file[sizeof dir + 32];
  snprintf(file, sizeof file, "%s/s_ALL20240531.csv", dir);
  FILE *f = fopen(file, "wb");
  CHECK(f != NULL);
  if (f) {
    fputs("\"0\",\"S\",\"111000110\",\"broken\"\r\n", f);
    fclose(f);
    CHECK_STATUS(santei_masters_open(dir, &m), SANTEI_MASTERS_ERROR);
    CHECK(last_error_contains("s_ALL20240531.csv"));
    CHECK(m == SENTINEL);
    unlink(file);
  }

  /* No 医科診療行為マスター: the empty folder, then the folder with only a valid 医薬品 file. */
  CHECK_STATUS(santei_masters_open(dir, &m), SANTEI_NO_MASTER);
  CHECK(last_error_contains("医科診療行為マスター"));
  CHECK(m == SENTINEL);
  snprintf(file, sizeof file, "%s/y_ALL20240531.csv", dir);
  f = fopen(file, "wb");
  CHECK(f != NULL);
  if (f) {
    /* One 40-column y row: 610406079 ガスター散２％ (here: "drug"), 16.50 円, 20240401 … open. */
    for (int col = 1; col <= 40; col++) {
      const char *v = col == 1 ? "0" : col == 2 ? "Y" : col == 3 ? "610406079" : col == 5 ? "drug"
                    : col == 12 ? "16.50" : col == 30 ? "20240401" : col == 31 ? "99999999" : "";
      fprintf(f, "%s\"%s\"", col == 1 ? "" : ",", v);
    }
    fputs("\r\n", f);
    fclose(f);
    CHECK_STATUS(santei_masters_open(dir, &m), SANTEI_NO_MASTER);
    CHECK(last_error_contains("医科診療行為マスター"));
    CHECK(m == SENTINEL);
    unlink(file);
  }
  rmdir(dir);

  santei_engine *e = SENTINEL;
  CHECK_STATUS(santei_engine_new(NULL, &e), SANTEI_NULL_ARGUMENT);
  CHECK(e == SENTINEL);
  santei_buffer *b = SENTINEL;
  CHECK_STATUS(santei_masters_info_json(NULL, &b), SANTEI_NULL_ARGUMENT);
  CHECK(b == SENTINEL);
}

static void test_calculate_errors(const santei_engine *e, const claim *c) {
  santei_buffer *b = SENTINEL;
  const uint8_t *j = c->json;
  size_t n = c->len;

  CHECK_STATUS(santei_calculate(NULL, j, n, &b), SANTEI_NULL_ARGUMENT);
  CHECK(last_error_contains("engine"));
  CHECK_STATUS(santei_calculate(e, NULL, n, &b), SANTEI_NULL_ARGUMENT);
  CHECK(last_error_contains("claim_json"));
  CHECK_STATUS(santei_calculate(e, j, n, NULL), SANTEI_NULL_ARGUMENT);
  CHECK(last_error_contains("result_json"));
  CHECK_STATUS(santei_calculate(e, j, 0, &b), SANTEI_EMPTY_INPUT);
  CHECK_STATUS(santei_calculate_opts(e, j, n, 0x80, &b), SANTEI_INVALID_ARGUMENT);
  CHECK(last_error_contains("0x80"));

  /* Longer than the limit: rejected before a byte is read. */
  uint8_t *huge = malloc((size_t)SANTEI_MAX_INPUT_LEN + 1);
  CHECK(huge != NULL);
  if (huge) {
    CHECK_STATUS(santei_calculate(e, huge, (size_t)SANTEI_MAX_INPUT_LEN + 1, &b), SANTEI_INPUT_TOO_LARGE);
    CHECK(last_error_contains("67108864"));
    free(huge);
  }

  static const char not_utf8[] = "{\"id\": \"\xff\xfe\"}";
  CHECK_STATUS(santei_calculate(e, (const uint8_t *)not_utf8, strlen(not_utf8), &b), SANTEI_INVALID_UTF8);

  static const char bad_json[] = "{\"facility\": ";
  CHECK_STATUS(santei_calculate(e, (const uint8_t *)bad_json, strlen(bad_json), &b), SANTEI_INVALID_CLAIM);
  CHECK(strlen(santei_last_error()) > 0);

  static const char not_json[] = "\x01\x02 not json";
  CHECK_STATUS(santei_calculate(e, (const uint8_t *)not_json, strlen(not_json), &b), SANTEI_INVALID_CLAIM);

  static const char unknown_field[] =
      "{\"facility\": {\"kind\": \"clinic\", \"bedz\": 3}, \"patient\": {\"birth_date\": \"1980-01-01\"},"
      " \"visits\": []}";
  CHECK_STATUS(santei_calculate(e, (const uint8_t *)unknown_field, strlen(unknown_field), &b), SANTEI_INVALID_CLAIM);
  CHECK(last_error_contains("facility"));
  CHECK(last_error_contains("bedz"));

  static const char unknown_code[] =
      "{\"facility\": {\"kind\": \"clinic\"}, \"patient\": {\"birth_date\": \"1980-01-01\"},"
      " \"visits\": [{\"date\": \"2025-05-12\", \"kind\": \"revisit\", \"items\": [{\"code\": \"999999999\"}]}]}";
  CHECK_STATUS(santei_calculate(e, (const uint8_t *)unknown_code, strlen(unknown_code), &b), SANTEI_INVALID_CLAIM);
  CHECK(last_error_contains("visits[0].items[0].code"));
  CHECK(last_error_contains("999999999"));

  /* A NUL (\u0000) in a field name: the message stays one C string. */
  static const char nul_field[] = "{\"fac\\u0000ility\": 1}";
  CHECK_STATUS(santei_calculate(e, (const uint8_t *)nul_field, strlen(nul_field), &b), SANTEI_INVALID_CLAIM);
  CHECK(last_error_contains("fac\xef\xbf\xbdility")); /* U+FFFD in place of the NUL */

  CHECK(b == SENTINEL); /* never written on failure */

  /* A success leaves the last error as it was. */
  santei_buffer *ok = NULL;
  CHECK_STATUS(santei_calculate(e, j, n, &ok), SANTEI_OK);
  CHECK(last_error_contains("fac"));
  santei_buffer_free(ok);
}

static void test_claims(const santei_engine *e, const claim *claims, int n) {
  for (int i = 0; i < n; i++) {
    const claim *c = &claims[i];
    santei_buffer *b = NULL;
    CHECK_STATUS(santei_calculate(e, c->json, c->len, &b), SANTEI_OK);
    if (!b) continue;
    long long got = total_points(b);
    if (got != c->total) fprintf(stderr, "  %s: total_points %lld, want %lld\n", c->path, got, c->total);
    CHECK(got == c->total);
    const char *data = (const char *)santei_buffer_data(b);
    size_t len = santei_buffer_len(b);
    CHECK(len > 0 && data[0] == '{' && data[len - 1] == '}');
    CHECK(data[len] == '\0' && strlen(data) == len); /* NUL-terminated, no NUL inside */
    CHECK(contains(b, "\"lines\":"));
    /* A claim with insurance carries burden (futan.md §7(b)); one without does not. */
    CHECK(contains(b, "\"burden\":") == (strstr(c->path, "burden") != NULL));
    santei_buffer_free(b);

    /* Flags: no trace → no "detail"; pretty → indented; the total never changes. */
    santei_buffer *plain = NULL, *pretty = NULL;
    CHECK_STATUS(santei_calculate_opts(e, c->json, c->len, 0, &plain), SANTEI_OK);
    CHECK_STATUS(santei_calculate_opts(e, c->json, c->len, SANTEI_CALC_TRACE | SANTEI_CALC_PRETTY, &pretty),
                 SANTEI_OK);
    if (plain && pretty) {
      CHECK(!contains(plain, "\"detail\""));
      CHECK(!contains(plain, "\n"));
      CHECK(contains(pretty, "\n  \"total_points\": "));
      CHECK(total_points(plain) == c->total);
      CHECK(total_points(pretty) == c->total);
    }
    santei_buffer_free(plain);
    santei_buffer_free(pretty);
  }
}

/* santei_futan (futan.md §7(c)): MHLW 高齢受給者 計算事例 平成30年8月 事例35 — 現役並みⅢ, 多数回,
 * 外来; 54 part 13,500点 (上限 10,000) and 単独 47,000点 → the patient pays 140,100 (10,000 on day 1,
 * 130,100 on day 2), the same input as examples/futan/kourei-jirei35.json. */
static const char futan_jirei35[] =
    "{\"month\": \"2018-08\", \"birth_date\": \"1945-01-01\","
    " \"insurance\": {\"kind\": \"shaho\", \"income\": \"\xe7\x8f\xbe\xe5\xbd\xb9\xe4\xb8\xa6\xe3\x81\xbf\xe2\x85\xa2\", \"tasuu\": true},"
    " \"public_aid\": [{\"law\": \"54\", \"monthly_limit\": 10000}],"
    " \"visits\": [{\"date\": \"2018-08-01\", \"points\": 13500, \"aid\": [\"54\"]},"
    " {\"date\": \"2018-08-02\", \"points\": 47000, \"aid\": []}]}";

static int futan_ok(void) {
  santei_buffer *b = NULL;
  int ok = santei_futan((const uint8_t *)futan_jirei35, strlen(futan_jirei35), &b) == SANTEI_OK &&
           contains(b, "\"patient_yen\":140100,") && contains(b, "\"counter_yen\":130100}");
  santei_buffer_free(b);
  return ok;
}

static void test_futan(void) {
  CHECK(futan_ok());
  santei_buffer *b = SENTINEL;
  CHECK_STATUS(santei_futan(NULL, 3, &b), SANTEI_NULL_ARGUMENT);
  CHECK(last_error_contains("json"));
  CHECK_STATUS(santei_futan((const uint8_t *)futan_jirei35, strlen(futan_jirei35), NULL), SANTEI_NULL_ARGUMENT);
  CHECK_STATUS(santei_futan((const uint8_t *)futan_jirei35, 0, &b), SANTEI_EMPTY_INPUT);
  static const char unknown_field[] =
      "{\"month\": \"2024-06\", \"birth_date\": \"1980-01-01\", \"insurance\": {\"kind\": \"shaho\", \"incme\": 1},"
      " \"visits\": [{\"date\": \"2024-06-03\", \"points\": 100}]}";
  CHECK_STATUS(santei_futan((const uint8_t *)unknown_field, strlen(unknown_field), &b), SANTEI_INVALID_CLAIM);
  CHECK(last_error_contains("insurance.incme"));
  static const char not_utf8[] = "{\"month\": \"\xff\"}";
  CHECK_STATUS(santei_futan((const uint8_t *)not_utf8, strlen(not_utf8), &b), SANTEI_INVALID_UTF8);
  CHECK(b == SENTINEL); /* never written on failure */
  /* A month no limit table covers (futan.md §4.8): SANTEI_OK with the error diagnostic. */
  static const char no_table[] =
      "{\"month\": \"2026-08\", \"birth_date\": \"1954-01-01\", \"insurance\": {\"kind\": \"kokuho\"},"
      " \"visits\": [{\"date\": \"2026-08-03\", \"points\": 100}]}";
  santei_buffer *d = NULL;
  CHECK_STATUS(santei_futan((const uint8_t *)no_table, strlen(no_table), &d), SANTEI_OK);
  CHECK(contains(d, "\"code\":\"FUTAN_TABLE_MISSING\""));
  santei_buffer_free(d);
}

static void test_rejected_by_rules(const santei_engine *e, const char *path) {
  size_t len = 0;
  uint8_t *json = read_file(path, &len);
  CHECK(json != NULL);
  if (!json) return;
  santei_buffer *b = NULL;
  /* The rules reject it, but the call succeeds: the rejection is in the diagnostics. */
  CHECK_STATUS(santei_calculate(e, json, len, &b), SANTEI_OK);
  CHECK(contains(b, "\"level\":\"error\""));
  santei_buffer_free(b);
  free(json);
}

typedef struct {
  const santei_engine *engine;
  const claim *claims;
  int nclaims;
  int iters;
  int id;
  int failures;
} worker;

static void *work(void *arg) {
  worker *w = arg;
  char own_error[256];
  int n = snprintf(own_error, sizeof own_error,
                   "{\"facility\": {\"kind\": \"clinic\", \"thread_%d_field\": 1}}", w->id);
  char own_name[32];
  snprintf(own_name, sizeof own_name, "thread_%d_field", w->id);
  if (strcmp(santei_last_error(), "") != 0) w->failures++; /* a new thread starts clean */
  for (int i = 0; i < w->iters; i++) {
    const claim *c = &w->claims[(i + w->id) % w->nclaims];
    santei_buffer *b = NULL;
    if (santei_calculate(w->engine, c->json, c->len, &b) != SANTEI_OK || total_points(b) != c->total) {
      w->failures++;
    }
    santei_buffer_free(b);
    if (i % 16 == 5 && !futan_ok()) w->failures++;
    if (i % 8 == 0) {
      /* The last error is per thread: each thread sees its own message. */
      santei_buffer *none = NULL;
      if (santei_calculate(w->engine, (const uint8_t *)own_error, (size_t)n, &none) != SANTEI_INVALID_CLAIM ||
          none != NULL || strstr(santei_last_error(), own_name) == NULL) {
        w->failures++;
      }
    }
  }
  return NULL;
}

static void test_threads(const santei_engine *e, const claim *claims, int n, int threads, int iters) {
  pthread_t tid[64];
  worker w[64];
  if (threads > 64) threads = 64;
  for (int t = 0; t < threads; t++) {
    w[t] = (worker){e, claims, n, iters, t, 0};
    CHECK(pthread_create(&tid[t], NULL, work, &w[t]) == 0);
  }
  int failures = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(tid[t], NULL);
    failures += w[t].failures;
  }
  if (failures) fprintf(stderr, "  threads: %d failed calls\n", failures);
  CHECK(failures == 0);
}

int main(int argc, char **argv) {
  const char *masters_dir = NULL, *rejected = NULL;
  int use_default = 0, threads = 8, iters = 200;
  claim claims[64];
  int nclaims = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--masters") && i + 1 < argc) {
      masters_dir = argv[++i];
    } else if (!strcmp(argv[i], "--default")) {
      use_default = 1;
    } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
      threads = atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
      iters = atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--rejected") && i + 1 < argc) {
      rejected = argv[++i];
    } else {
      char *eq = strrchr(argv[i], '=');
      if (!eq || nclaims == 64) {
        fprintf(stderr, "usage: %s (--masters DIR | --default) [--threads N] [--iters N] "
                        "[--rejected CLAIM.json] CLAIM.json=TOTAL...\n", argv[0]);
        return 2;
      }
      claim *c = &claims[nclaims];
      c->path = strndup(argv[i], (size_t)(eq - argv[i]));
      c->total = strtoll(eq + 1, NULL, 10);
      c->json = read_file(c->path, &c->len);
      if (!c->json) {
        fprintf(stderr, "cannot read %s\n", c->path);
        return 2;
      }
      nclaims++;
    }
  }
  if ((!masters_dir && !use_default) || nclaims == 0) {
    fprintf(stderr, "need --masters DIR or --default, and at least one CLAIM=TOTAL\n");
    return 2;
  }

  printf("libsantei %s (ABI %u); masters: %s; %d claims; %d threads x %d iterations\n", santei_version(),
         santei_abi_version(), masters_dir ? masters_dir : "embedded default (santei_masters_open_default)",
         nclaims, threads, iters);

  test_basics();
  test_masters_errors();

  santei_masters *m = NULL;
  if (masters_dir) {
    CHECK_STATUS(santei_masters_open(masters_dir, &m), SANTEI_OK);
  } else {
    CHECK_STATUS(santei_masters_open_default(&m), SANTEI_OK);
  }
  if (!m) {
    fprintf(stderr, "cannot open the masters: %s\n", santei_last_error());
    return 1;
  }
  santei_buffer *info = NULL;
  CHECK_STATUS(santei_masters_info_json(m, &info), SANTEI_OK);
  CHECK(contains(info, "\"origin\":") && contains(info, "\"files\":") && contains(info, "\"counts\":"));
  santei_buffer_free(info);

  santei_engine *e = NULL, *e2 = NULL;
  CHECK_STATUS(santei_engine_new(m, NULL), SANTEI_NULL_ARGUMENT);
  CHECK_STATUS(santei_engine_new(m, &e), SANTEI_OK);
  CHECK_STATUS(santei_engine_new(m, &e2), SANTEI_OK);
  /* The engines keep the master set alive: freeing the handle first is safe. */
  santei_masters_free(m);
  m = NULL;
  if (!e || !e2) return 1;

  test_claims(e, claims, nclaims);
  test_claims(e2, claims, 1);
  santei_engine_free(e2);
  test_calculate_errors(e, &claims[0]);
  test_futan();
  if (rejected) test_rejected_by_rules(e, rejected);
  test_threads(e, claims, nclaims, threads, iters);

  santei_engine_free(e);
  for (int i = 0; i < nclaims; i++) {
    free(claims[i].path);
    free(claims[i].json);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
