/*
 * rnnrt.c - backend-independent parts of the runtime: status strings, backend name and
 * sequence_lens validation.
 */
#include "rnnrt.h"

const char *rnnrt_status_str(int status) {
    /* A switch over int rather than over rnnrt_status, so that any integer a caller may hold
     * (e.g. a corrupted or future code) maps to a string instead of undefined behaviour. */
    switch (status) {
    case RNNRT_OK:
        return "ok";
    case RNNRT_E_ARG:
        return "invalid argument";
    case RNNRT_E_SEQ_LEN:
        return "sequence_lens value out of range";
    case RNNRT_E_INDEX:
        return "index input out of range";
    default:
        return "unknown status";
    }
}

const char *rnnrt_backend(void) {
    /* RNNRT_PORTABLE is defined by the build exactly when rnnrt_gemm_portable.c is compiled
     * (each backend source refuses to compile with the wrong setting), so this name always
     * matches the GEMM that was linked in. */
#ifdef RNNRT_PORTABLE
    return "portable";
#else
    return "openblas";
#endif
}

rnnrt_status rnnrt_check_seq_lens(const int32_t *lens, int batch, int max_len) {
    int i;
    if (lens == NULL || batch < 0 || max_len < 0) {
        return RNNRT_E_ARG;
    }
    for (i = 0; i < batch; ++i) {
        /* ONNX: 0 <= sequence_lens[i] <= seq_length. Zero is legal (the batch entry produces
         * zero outputs); anything outside would make the generated loops read past X. */
        if (lens[i] < 0 || lens[i] > max_len) {
            return RNNRT_E_SEQ_LEN;
        }
    }
    return RNNRT_OK;
}
