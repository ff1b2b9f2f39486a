/* npy.h — NumPy .npy files (format versions 1.0, 2.0 and 3.0) to and from ir_tensor.
 *
 * Read: C-order arrays of the dtypes <f2 <f4 <f8 <i1..<i8 <u1..<u8 |b1 (big-endian '>'
 * ones are byte-swapped; fortran_order True, structured or other dtypes are refused). The
 * tensor gets the same form rc_load_tensor_file gives a TensorProto: an ONNX dtype code,
 * dims and dense row-major data; its name is "" (.npy files carry none).
 * Write: format 1.0, little-endian, the header padded so the data starts at a multiple of
 * 64 bytes (as numpy writes it); bfloat16 is written as <u2 (the same bits, as ONNX test
 * data stores it). No dependency beyond C99 and util.h. */
#ifndef RNNC_NPY_H
#define RNNC_NPY_H

#include "ir.h"

/* 1 if path ends in ".npy" (the extension that selects this format). */
int rc_is_npy_path(const char *path);
/* Parses a whole .npy file held in memory; path names it in messages. On error t is
 * left empty and c's error names the file, the rule and the offending value. */
int rc_npy_parse(rc_ctx *c, const char *path, const unsigned char *buf, size_t len, ir_tensor *t);
/* Reads path into t (data owned by t; free with rc_tensor_clear). */
int rc_npy_load(rc_ctx *c, const char *path, ir_tensor *t);
/* The .npy bytes of t appended to out; -1 with c's error if t's dtype has no .npy form. */
int rc_npy_encode(rc_ctx *c, const char *path, const ir_tensor *t, rc_buf *out);
/* Writes t to path under a temporary name renamed into place: no partial file is left. */
int rc_npy_save(rc_ctx *c, const char *path, const ir_tensor *t);
/* The numpy dtype string of an ONNX dtype ("<f4", "|b1", ...), NULL if none. */
const char *rc_npy_descr(int dtype);

#endif
