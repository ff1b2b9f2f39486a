/* sentinel.h — for the generated-code tests: fill output buffers with a NaN bit pattern no
 * computation produces, and check afterwards that an error return wrote nothing. */
#ifndef RNNC_TEST_SENTINEL_H
#define RNNC_TEST_SENTINEL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const uint32_t SENTINEL = 0x7fa5a5a5u; /* a NaN no computation produces */

static void sentinel_fill(float *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        memcpy(&v[i], &SENTINEL, sizeof SENTINEL);
}

/* 1 if every element still holds the sentinel */
static int untouched(const float *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (memcmp(&v[i], &SENTINEL, sizeof SENTINEL) != 0)
            return 0;
    return 1;
}

#endif
