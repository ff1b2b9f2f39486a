/* ops/conv.h — what the convolution, pooling and batch-normalisation files share:
 * the sliding-window geometry (kernel, strides, dilations, pads, auto_pad) and the
 * compile-time pass that folds an inference BatchNormalization into the Conv before it. */
#ifndef RNNC_OPS_CONV_H
#define RNNC_OPS_CONV_H

#include "../glue.h"

/* Spatial dimensions are held as three (D, H, W); a 1-D or 2-D window has leading
 * dimensions of size 1 (kernel 1, stride 1, no pad), so one loop nest serves all. */
#define CV_SP 3

typedef struct cv_geom {
    int nsp; /* spatial dimensions of the model's tensors: 1..3 */
    int64_t in[CV_SP], k[CV_SP], s[CV_SP], d[CV_SP], pb[CV_SP], pe[CV_SP], out[CV_SP];
} cv_geom;

/* Which window rule: convolutions floor, pools may ceil (ceil_mode). */
typedef struct cv_window_opts {
    int dilations; /* the op has a dilations attribute */
    int ceil_mode;
} cv_window_opts;

/* Parses strides, dilations, pads, auto_pad for a window of nsp dims over x's spatial
 * dims (x->dims[2..]); kernel[] already known. Fills g (out included). */
int cv_window(rc_ctx *c, ir_node *n, const ir_tensor *x, int nsp, const int64_t *kernel,
              const cv_window_opts *o, cv_geom *gm);

/* Conv and ConvTranspose, parsed. Conv: W is [M][C/G][k...]; ConvTranspose: W is
 * [C][M/G][k...]. Tensors are read as [N][C][D][H][W] (missing spatial dims size 1). */
typedef struct conv_params {
    cv_geom gm;
    int64_t N, C, M, G; /* batch, input channels, output channels, groups */
    int has_bias;       /* input 2 present (the BatchNorm fold may add one) */
    int transpose;      /* ConvTranspose */
} conv_params;

/* BatchNormalization with constant parameters: per-channel y = x * s[ch] + t[ch];
 * 0 and s, t (C values each, caller-allocated) or -1 when not constant. */
int bn_affine(const ir_graph *g, const ir_node *n, double *s, double *t);

#endif
