/* load.h — the protobuf border. Only load.c sees onnx.pb-c.h: it turns an ONNX
 * file into our IR (and frees the message), and reads/writes single
 * TensorProto files of the ONNX backend-test layout. */
#ifndef RNNC_LOAD_H
#define RNNC_LOAD_H

#include "ir.h"

/* Lowest and highest default-domain opset rnnc accepts. */
#define RC_MIN_OPSET 7
#define RC_MAX_OPSET 25

/* Loads and structurally checks a model; NULL with c's error set on failure. */
ir_graph *rc_load_model(rc_ctx *c, const char *path);
/* The same from bytes already in memory (used by tests); path names them. */
ir_graph *rc_load_model_bytes(rc_ctx *c, const char *path, const unsigned char *buf, size_t len);

/* Reads one TensorProto file into t (name, dtype, rank, dims, data owned by t); a path
 * ending in ".npy" is read as a NumPy .npy file instead (npy.h). */
int rc_load_tensor_file(rc_ctx *c, const char *path, ir_tensor *t);
/* Writes t (dtype, dims, data, name) as a TensorProto with raw_data; a path ending in
 * ".npy" is written as a NumPy .npy file (npy.h; the name is not kept). */
int rc_save_tensor_file(rc_ctx *c, const char *path, const ir_tensor *t);
/* The error for a node whose op rnnc does not implement. */
int rc_err_unknown_op(rc_ctx *c, const struct ir_node *n);
/* A data file for a value of type `want`: onnx before 1.14 writes bfloat16 test data as
 * uint16 (the same bits), so such a tensor is taken as bfloat16. */
void rc_tensor_data_for(ir_tensor *t, int want);
/* Frees what rc_load_tensor_file allocated. */
void rc_tensor_clear(ir_tensor *t);

#endif
