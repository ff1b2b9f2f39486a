/* load.c — ONNX protobuf -> IR, and TensorProto files. The only file that
 * includes onnx.pb-c.h; every message is freed before returning. */
#include "load.h"
#include "npy.h"

#include "onnx.pb-c.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *nz(const char *s) { return s ? s : ""; }

/* Converts a TensorProto into t's dtype/shape/data. what names it in errors. */
static int tensor_from_proto(rc_ctx *c, const Onnx__TensorProto *tp, ir_tensor *t,
                             const char *what) {
    int64_t numel = 1;
    size_t esz, bytes;
    if (tp->n_external_data > 0 ||
        (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL))
        return rc_err(c, NULL, what,
                      "external data is not supported; save the model with its "
                      "weights inside the .onnx file");
    if (tp->segment)
        return rc_err(c, NULL, what, "segmented tensors are not supported");
    if (tp->n_dims > IR_MAX_RANK)
        return rc_err(c, NULL, what, "rank %zu exceeds the maximum %d", tp->n_dims, IR_MAX_RANK);
    t->dtype = tp->has_data_type ? tp->data_type : IR_UNDEFINED;
    t->rank = (int)tp->n_dims;
    for (size_t i = 0; i < tp->n_dims; i++) {
        if (tp->dims[i] < 0)
            return rc_err(c, NULL, what, "dimension %zu is negative (%" PRId64 ")", i, tp->dims[i]);
        if (!rc_mul_ok(numel, tp->dims[i], &numel))
            return rc_err(c, NULL, what, "element count overflows (dimension %zu = %" PRId64 ")", i,
                          tp->dims[i]);
        t->dims[i] = tp->dims[i];
    }
    esz = ir_dtype_size(t->dtype);
    if (esz == 0)
        return rc_err(c, NULL, what, "data type %d (%s) is not supported", t->dtype,
                      ir_dtype_name(t->dtype));
    bytes = (size_t)numel * esz;
    if (bytes > rc_max_bytes(c))
        return rc_err(c, NULL, what, "%zu bytes of data, above the --max-mb limit of %zu", bytes,
                      rc_max_bytes(c));
    if (t->data)
        rc_die("tensor_from_proto: data already set");
    /* the data must be all there before anything as large as the dims say is allocated */
    {
        const void *src;
        size_t have, count;
        const char *field;
        size_t typed = tp->n_float_data + tp->n_double_data + tp->n_int64_data + tp->n_int32_data +
                       tp->n_uint64_data + tp->n_string_data;
        if (tp->has_raw_data && typed)
            return rc_err(c, NULL, what,
                          "holds both raw_data (%zu bytes) and typed data (%zu values): two "
                          "encodings of one tensor",
                          tp->raw_data.len, typed);
        if (tp->has_raw_data) {
            src = tp->raw_data.data, have = tp->raw_data.len, field = NULL, count = 0;
        } else if (t->dtype == IR_FLOAT) {
            src = tp->float_data, count = tp->n_float_data, field = "float_data";
        } else if (t->dtype == IR_DOUBLE) {
            src = tp->double_data, count = tp->n_double_data, field = "double_data";
        } else if (t->dtype == IR_INT64) {
            src = tp->int64_data, count = tp->n_int64_data, field = "int64_data";
        } else if (t->dtype == IR_UINT32 || t->dtype == IR_UINT64) {
            src = tp->uint64_data, count = tp->n_uint64_data, field = "uint64_data";
        } else {
            /* int32, and the narrower types (float16/bfloat16 as bit patterns) one per int32 */
            src = tp->int32_data, count = tp->n_int32_data, field = "int32_data";
        }
        if (field && typed != count)
            return rc_err(c, NULL, what,
                          "data type %s is stored in %s, but other typed fields "
                          "hold values",
                          ir_dtype_name(t->dtype), field);
        if (!field && have != bytes)
            return rc_err(c, NULL, what, "raw_data holds %zu bytes, dims need %zu", have, bytes);
        if (field && count != (size_t)numel)
            return rc_err(c, NULL, what, "%s holds %zu values, dims need %" PRId64, field, count,
                          numel);
        t->data = rc_xcalloc(bytes ? bytes : 1, 1);
        if ((field && t->dtype == IR_UINT32) ||
            (field && src == (const void *)tp->int32_data && t->dtype != IR_INT32)) {
            /* a narrower type in a wider typed field: element by element, the low bytes
             * (little-endian host) */
            for (size_t i = 0; i < count; i++) {
                uint64_t x =
                    t->dtype == IR_UINT32 ? tp->uint64_data[i] : (uint32_t)tp->int32_data[i];
                /* a value that does not fit the small integer type is a bad model (a zero
                 * point of 300 for uint8), not something to wrap silently */
                if (t->dtype == IR_INT8 || t->dtype == IR_UINT8 || t->dtype == IR_INT16 ||
                    t->dtype == IR_UINT16) {
                    int32_t v = tp->int32_data[i];
                    int32_t lo = t->dtype == IR_INT8 ? -128 : t->dtype == IR_INT16 ? -32768 : 0;
                    int32_t hi = t->dtype == IR_INT8    ? 127
                                 : t->dtype == IR_UINT8 ? 255
                                 : t->dtype == IR_INT16 ? 32767
                                                        : 65535;
                    if (v < lo || v > hi)
                        return rc_err(c, NULL, what,
                                      "int32_data element %zu is %" PRId32
                                      ", outside %s's range %" PRId32 "..%" PRId32,
                                      i, v, ir_dtype_name(t->dtype), lo, hi);
                }
                memcpy((unsigned char *)t->data + i * esz, &x, esz);
            }
            return 0;
        }
        /* ONNX raw_data is little-endian, as is every host rnnc runs on; the typed fields
         * hold the same element size as the dtype (float, double, int64, int32) */
        if (bytes)
            memcpy(t->data, src, bytes);
        return 0;
    }
}

static ir_graph *build_subgraph(rc_ctx *c, const ir_graph *parent, const Onnx__GraphProto *gp);

static int convert_attr(rc_ctx *c, const ir_graph *g, ir_node *n, const Onnx__AttributeProto *ap,
                        ir_attr *a) {
    int type = ap->has_type ? (int)ap->type : 0;
    a->name = rc_xstrdup(nz(ap->name));
    if (ap->ref_attr_name)
        return rc_err(c, n, a->name,
                      "attribute references (ref_attr_name) are only valid inside "
                      "functions");
    if (type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED) {
        /* IR version 1 files carry no type: infer it from the field that is set. */
        if (ap->has_f)
            type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
        else if (ap->has_i)
            type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
        else if (ap->has_s)
            type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
        else if (ap->n_floats)
            type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
        else if (ap->n_ints)
            type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
        else if (ap->n_strings)
            type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS;
    }
    switch (type) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
        a->type = IR_ATTR_FLOAT, a->type_name = "float";
        a->f = ap->f;
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
        a->type = IR_ATTR_INT, a->type_name = "int";
        a->i = ap->i;
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
        a->type = IR_ATTR_STRING, a->type_name = "string";
        /* string attributes arrive as bytes; an embedded NUL cannot name anything */
        if (ap->s.len && memchr(ap->s.data, 0, ap->s.len))
            return rc_err(c, n, a->name, "string value contains a NUL byte");
        a->s = ap->s.len ? rc_xstrndup((const char *)ap->s.data, ap->s.len) : rc_xstrdup("");
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
        a->type = IR_ATTR_FLOATS, a->type_name = "floats";
        a->n = (int)ap->n_floats;
        a->floats = rc_xcalloc(ap->n_floats, sizeof(double));
        for (size_t i = 0; i < ap->n_floats; i++)
            a->floats[i] = ap->floats[i];
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
        a->type = IR_ATTR_INTS, a->type_name = "ints";
        a->n = (int)ap->n_ints;
        a->ints = rc_xcalloc(ap->n_ints, sizeof(int64_t));
        if (ap->n_ints)
            memcpy(a->ints, ap->ints, ap->n_ints * sizeof(int64_t));
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS:
        a->type = IR_ATTR_STRINGS, a->type_name = "strings";
        a->n = (int)ap->n_strings;
        a->strings = rc_xcalloc(ap->n_strings, sizeof(char *));
        for (size_t i = 0; i < ap->n_strings; i++) {
            if (ap->strings[i].len && memchr(ap->strings[i].data, 0, ap->strings[i].len))
                return rc_err(c, n, a->name, "string %zu contains a NUL byte", i);
            a->strings[i] = rc_xstrndup((const char *)ap->strings[i].data, ap->strings[i].len);
        }
        break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: {
        char what[300];
        a->type = IR_ATTR_TENSOR, a->type_name = "tensor";
        if (!ap->t)
            return rc_err(c, n, a->name, "tensor attribute without a tensor");
        a->tensor = rc_xcalloc(1, sizeof(ir_tensor));
        a->tensor->producer = -1;
        snprintf(what, sizeof what, "attribute %.200s", a->name);
        if (tensor_from_proto(c, ap->t, a->tensor, what))
            return -1;
        if (a->tensor->dtype == IR_UNDEFINED)
            return rc_err(c, n, what, "tensor has no data type");
        break;
    }
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH:
        a->type = IR_ATTR_GRAPH, a->type_name = "graph";
        if (!ap->g)
            return rc_err(c, n, a->name, "graph attribute without a graph");
        a->graph = build_subgraph(c, g, ap->g);
        if (!a->graph)
            return -1;
        break;
    default:
        a->type = IR_ATTR_OTHER;
        a->type_name = "other";
        break;
    }
    return 0;
}

/* Shape and dtype of a graph input or output from its ValueInfoProto. */
/* For graph inputs (params != NULL) a symbolic or unknown dimension becomes -1
 * with its dim_param recorded, and a missing shape rank -1: the bind pass
 * resolves them from --dim / --shape. For outputs they are just not checked. */
static int value_info_type(rc_ctx *c, const Onnx__ValueInfoProto *vi, const char *what, int *dtype,
                           int *rank, int64_t *dims, char **params) {
    int require_static = params != NULL;
    const Onnx__TypeProto__Tensor *tt;
    if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE) {
        if (!require_static &&
            (!vi->type || vi->type->value_case == ONNX__TYPE_PROTO__VALUE__NOT_SET)) {
            *rank = -1;
            *dtype = IR_UNDEFINED;
            return 0;
        }
        return rc_err(c, NULL, what, "only tensor types are supported");
    }
    tt = vi->type->tensor_type;
    *dtype = tt->has_elem_type ? tt->elem_type : IR_UNDEFINED;
    if (!tt->shape) {
        *rank = -1;
        return 0;
    }
    if (tt->shape->n_dim > IR_MAX_RANK)
        return rc_err(c, NULL, what, "rank %zu exceeds the maximum %d", tt->shape->n_dim,
                      IR_MAX_RANK);
    *rank = (int)tt->shape->n_dim;
    for (size_t i = 0; i < tt->shape->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            if (d->dim_value < 0 && require_static)
                return rc_err(c, NULL, what, "dimension %zu must be >= 0, got %" PRId64, i,
                              d->dim_value);
            if (d->dim_value > INT32_MAX)
                return rc_err(c, NULL, what, "dimension %zu is too large (%" PRId64 ")", i,
                              d->dim_value);
            dims[i] = d->dim_value;
        } else if (require_static) {
            int named = d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            dims[i] = -1;
            params[i] = rc_xstrdup(named ? nz(d->dim_param) : "");
        } else {
            dims[i] = -1; /* unknown: not checked */
        }
    }
    return 0;
}

static int64_t default_opset(rc_ctx *c, const Onnx__ModelProto *m, int *ok) {
    int64_t v = -1;
    int found = 0;
    *ok = 0;
    if (m->has_ir_version && m->ir_version < 1) {
        rc_err(c, NULL, "ir_version", "must be >= 1, got %" PRId64, m->ir_version);
        return -1;
    }
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const char *d = nz(m->opset_import[i]->domain);
        if (strcmp(d, "") != 0 && strcmp(d, "ai.onnx") != 0)
            continue;
        /* two imports of the default domain leave the op semantics ambiguous */
        if (found++) {
            rc_err(c, NULL, "opset_import",
                   "the default domain (ai.onnx) is imported twice (versions %" PRId64
                   " and %" PRId64 ")",
                   v, m->opset_import[i]->version);
            return -1;
        }
        v = m->opset_import[i]->version;
    }
    if (!found) {
        rc_err(c, NULL, "opset_import", "the model imports no default-domain (ai.onnx) opset");
        return -1;
    }
    if (v < RC_MIN_OPSET || v > RC_MAX_OPSET) {
        rc_err(c, NULL, "opset_import",
               "default-domain opset %" PRId64 " is outside the supported range %d..%d", v,
               RC_MIN_OPSET, RC_MAX_OPSET);
        return -1;
    }
    *ok = 1;
    return v;
}

/* The com.microsoft opset the model imports (0: none; its ops then stay unknown), -1 when it
 * is imported twice. */
static int64_t ms_opset(rc_ctx *c, const Onnx__ModelProto *m) {
    int64_t v = 0;
    for (size_t i = 0; i < m->n_opset_import; i++) {
        if (strcmp(nz(m->opset_import[i]->domain), "com.microsoft") != 0)
            continue;
        if (v) {
            rc_err(c, NULL, "opset_import",
                   "the com.microsoft domain is imported twice (versions %" PRId64 " and %" PRId64
                   ")",
                   v, m->opset_import[i]->version);
            return -1;
        }
        v = m->opset_import[i]->version;
        if (v < 1) {
            rc_err(c, NULL, "opset_import", "com.microsoft opset %" PRId64 " is not >= 1", v);
            return -1;
        }
    }
    return v;
}

static int load_initializers(rc_ctx *c, ir_graph *g, const Onnx__GraphProto *gp) {
    char what[300];
    size_t total = 0;
    if (gp->n_sparse_initializer)
        return rc_err(c, NULL, "graph", "sparse initializers are not supported");
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        const char *name = nz(tp->name);
        int k;
        snprintf(what, sizeof what, "initializer '%.200s'", name);
        if (!name[0])
            return rc_err(c, NULL, "initializer", "initializer %zu has an empty name", i);
        if (ir_find(g, name) >= 0)
            return rc_err(c, NULL, what, "duplicate initializer name");
        k = ir_add_tensor(g, name);
        if (tensor_from_proto(c, tp, &g->t[k], what))
            return -1;
        if (g->t[k].dtype == IR_FLOAT16 || g->t[k].dtype == IR_BFLOAT16)
            for (int64_t e = 0; e < ir_numel(&g->t[k]); e++)
                if (isnan(ir_get(g->t[k].dtype, g->t[k].data, e)))
                    /* a reduced-precision weight is a rounded real number: NaN is a broken
                     * conversion (an overflowed export), and would poison every output */
                    return rc_err(c, NULL, what, "%s element %" PRId64 " is NaN",
                                  ir_dtype_name(g->t[k].dtype), e);
        total += (size_t)ir_numel(&g->t[k]) * ir_dtype_size(g->t[k].dtype);
        if (total > rc_max_bytes(c))
            return rc_err(c, NULL, what,
                          "the initializers up to this one hold %zu bytes, above the "
                          "--max-mb limit of %zu",
                          total, rc_max_bytes(c));
        g->t[k].is_init = 1;
        if (tp->doc_string)
            g->t[k].doc = rc_xstrdup(tp->doc_string);
    }
    return 0;
}

/* A graph input that is also an initializer: its declared element type and known dims must
 * be the initializer's (else the model says two things about one tensor). */
static int initializer_input_conflict(rc_ctx *c, const Onnx__ValueInfoProto *vi, const ir_tensor *t,
                                      const char *what) {
    const Onnx__TypeProto__Tensor *tt;
    char have[256];
    if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
        return 0;
    tt = vi->type->tensor_type;
    ir_shape_str(t, have, sizeof have);
    if (tt->has_elem_type && tt->elem_type != t->dtype)
        return rc_err(c, NULL, what, "declared element type %s, but its initializer is %s",
                      ir_dtype_name(tt->elem_type), have);
    if (!tt->shape)
        return 0;
    if ((int)tt->shape->n_dim != t->rank)
        return rc_err(c, NULL, what, "declared with rank %zu, but its initializer is %s",
                      tt->shape->n_dim, have);
    for (size_t d = 0; d < tt->shape->n_dim; d++) {
        const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[d];
        if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
            dim->dim_value != t->dims[d])
            return rc_err(c, NULL, what,
                          "declared dimension %zu = %" PRId64 ", but its initializer is %s", d,
                          dim->dim_value, have);
    }
    return 0;
}

static int load_inputs(rc_ctx *c, ir_graph *g, const Onnx__GraphProto *gp) {
    char what[300];
    g->input = rc_xcalloc(gp->n_input, sizeof(int));
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        const char *name = nz(vi->name);
        int k = ir_find(g, name);
        ir_tensor *t;
        snprintf(what, sizeof what, "graph input '%.200s'", name);
        if (!name[0])
            return rc_err(c, NULL, "graph input", "input %zu has an empty name", i);
        if (k >= 0 && g->t[k].data) {
            /* an initializer listed as input (IR < 4 style): a constant, whose declared
             * type must not contradict it */
            if (initializer_input_conflict(c, vi, &g->t[k], what))
                return -1;
            continue;
        }
        if (k >= 0)
            return rc_err(c, NULL, what, "duplicate graph input name");
        k = ir_add_tensor(g, name);
        t = &g->t[k];
        t->is_input = 1;
        if (value_info_type(c, vi, what, &t->dtype, &t->rank, t->dims, t->dim_param))
            return -1;
        if (ir_dtype_size(t->dtype) == 0)
            return rc_err(c, NULL, what, "element type %d (%s) is not supported", t->dtype,
                          ir_dtype_name(t->dtype));
        if (vi->doc_string)
            t->doc = rc_xstrdup(vi->doc_string);
        g->input[g->n_input++] = k;
    }
    return 0;
}

/* The declared inputs, kept when --const binds some of them to values. */
static int decl_inputs(ir_graph *g) {
    g->n_decl_input = g->n_input;
    g->decl_input = rc_xcalloc((size_t)g->n_input + 1, sizeof(int));
    if (g->n_input)
        memcpy(g->decl_input, g->input, sizeof(int) * (size_t)g->n_input);
    return 0;
}

static int load_node(rc_ctx *c, ir_graph *g, const Onnx__NodeProto *np, int index) {
    ir_node *n = ir_add_node(g);
    n->name = rc_xstrdup(nz(np->name));
    n->op_type = rc_xstrdup(nz(np->op_type));
    n->domain = rc_xstrdup(nz(np->domain));
    n->doc = np->doc_string ? rc_xstrdup(np->doc_string) : NULL;
    n->n_in = (int)np->n_input;
    n->n_out = (int)np->n_output;
    n->in = rc_xcalloc(np->n_input, sizeof(int));
    n->out = rc_xcalloc(np->n_output, sizeof(int));
    n->attr = rc_xcalloc(np->n_attribute, sizeof(ir_attr));
    for (size_t i = 0; i < np->n_attribute; i++) {
        n->n_attr++;
        if (convert_attr(c, g, n, np->attribute[i], &n->attr[i]))
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(n->attr[j].name, n->attr[i].name) == 0)
                return rc_err(c, n, n->attr[i].name, "attribute given twice");
    }
    for (size_t i = 0; i < np->n_output; i++) {
        const char *name = nz(np->output[i]);
        int k;
        n->out[i] = -1;
        if (!name[0])
            continue;
        if (ir_find(g, name) >= 0) {
            int prev = ir_find(g, name);
            if (g->t[prev].data)
                return rc_err(c, n, "output", "'%s' is also an initializer", name);
            if (g->t[prev].is_input)
                return rc_err(c, n, "output", "'%s' is also a graph input", name);
            return rc_err(c, n, "output", "'%s' is produced by more than one node", name);
        }
        k = ir_add_tensor(g, name);
        g->t[k].producer = index;
        n->out[i] = k;
    }
    return 0;
}

static int resolve_node_inputs(rc_ctx *c, ir_graph *g, const Onnx__NodeProto *np, ir_node *n) {
    for (size_t i = 0; i < np->n_input; i++) {
        const char *name = nz(np->input[i]);
        n->in[i] = -1;
        if (!name[0])
            continue;
        n->in[i] = ir_find(g, name);
        if (n->in[i] < 0 && g->is_sub) {
            /* a subgraph reads the enclosing graphs' values by name */
            n->in[i] = ir_add_tensor(g, name);
            g->t[n->in[i]].is_outer = 1;
        }
        if (n->in[i] < 0)
            return rc_err(c, n, "input",
                          "'%s' is not a graph input, an initializer or any node's output", name);
    }
    return 0;
}

/* The values of g that each node's subgraphs read from outside themselves become the node's
 * implicit inputs (in a subgraph, values of its own enclosing graphs are outer to it too). */
static int resolve_implicit(rc_ctx *c, ir_graph *g) {
    for (int i = 0; i < g->n_node; i++) {
        ir_node *n = &g->node[i];
        for (int a = 0; a < n->n_attr; a++) {
            const ir_graph *s = n->attr[a].graph;
            for (int j = 0; s && j < s->n_tensor; j++) {
                int k;
                if (!s->t[j].is_outer)
                    continue;
                k = ir_find(g, s->t[j].name);
                if (k < 0 && g->is_sub) {
                    k = ir_add_tensor(g, s->t[j].name);
                    g->t[k].is_outer = 1;
                }
                if (k < 0)
                    return rc_err(c, n, n->attr[a].name,
                                  "the subgraph reads '%s', which no enclosing graph defines",
                                  rc_show(s->t[j].name));
                n->implicit = rc_xrealloc(n->implicit, sizeof(int) * (size_t)(n->n_implicit + 1));
                n->implicit[n->n_implicit++] = k;
            }
        }
    }
    return 0;
}

/* ONNX requires nodes in topological order; exporters sometimes break that, so
 * sort (Kahn) instead of trusting it, and report a cycle by a node in it. */
/* What a node depends on: its inputs, then its implicit (subgraph) inputs. */
static int node_deps(const ir_node *n) { return n->n_in + n->n_implicit; }
static int node_dep(const ir_node *n, int k) {
    return k < n->n_in ? n->in[k] : n->implicit[k - n->n_in];
}

static int topo_sort(rc_ctx *c, ir_graph *g) {
    int n = g->n_node, done = 0;
    int *indeg = rc_xcalloc((size_t)n + 1, sizeof(int));
    int *order = rc_xcalloc((size_t)n + 1, sizeof(int));
    int *queue = rc_xcalloc((size_t)n + 1, sizeof(int));
    int *newidx = rc_xcalloc((size_t)n + 1, sizeof(int));
    int head = 0, tail = 0, sorted = 1, rc = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < node_deps(&g->node[i]); k++) {
            int ti = node_dep(&g->node[i], k);
            if (ti >= 0 && g->t[ti].producer >= 0)
                indeg[i]++;
        }
    /* adjacency: producer -> consumers, as a CSR built from the edges */
    {
        int *cnt = rc_xcalloc((size_t)n + 1, sizeof(int));
        int *start, *adj, edges = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < node_deps(&g->node[i]); k++) {
                int ti = node_dep(&g->node[i], k);
                if (ti >= 0 && g->t[ti].producer >= 0)
                    cnt[g->t[ti].producer]++, edges++;
            }
        start = rc_xcalloc((size_t)n + 1, sizeof(int));
        for (int i = 0; i < n; i++)
            start[i + 1] = start[i] + cnt[i];
        adj = rc_xcalloc((size_t)edges + 1, sizeof(int));
        memset(cnt, 0, sizeof(int) * (size_t)n);
        for (int i = 0; i < n; i++)
            for (int k = 0; k < node_deps(&g->node[i]); k++) {
                int ti = node_dep(&g->node[i], k);
                if (ti >= 0 && g->t[ti].producer >= 0) {
                    int p = g->t[ti].producer;
                    adj[start[p] + cnt[p]++] = i;
                }
            }
        for (int i = 0; i < n; i++)
            if (indeg[i] == 0)
                queue[tail++] = i;
        while (head < tail) {
            int u = queue[head++];
            order[done++] = u;
            for (int e = start[u]; e < start[u + 1]; e++)
                if (--indeg[adj[e]] == 0)
                    queue[tail++] = adj[e];
        }
        free(cnt);
        free(start);
        free(adj);
    }
    if (done < n) {
        for (int i = 0; i < n; i++)
            if (indeg[i] > 0) {
                rc = rc_err(c, &g->node[i], "graph", "the graph has a cycle through this node");
                break;
            }
    } else {
        for (int i = 0; i < n; i++)
            if (order[i] != i)
                sorted = 0;
        if (!sorted) {
            ir_node *nodes = rc_xmalloc(sizeof *nodes * (size_t)n);
            for (int i = 0; i < n; i++) {
                nodes[i] = g->node[order[i]];
                newidx[order[i]] = i;
            }
            memcpy(g->node, nodes, sizeof *nodes * (size_t)n);
            free(nodes);
            for (int i = 0; i < g->n_tensor; i++)
                if (g->t[i].producer >= 0)
                    g->t[i].producer = newidx[g->t[i].producer];
        }
    }
    free(indeg);
    free(order);
    free(queue);
    free(newidx);
    return rc;
}

static int load_outputs(rc_ctx *c, ir_graph *g, const Onnx__GraphProto *gp) {
    char what[300];
    g->output = rc_xcalloc(gp->n_output, sizeof(int));
    for (size_t i = 0; i < gp->n_output; i++) {
        const Onnx__ValueInfoProto *vi = gp->output[i];
        const char *name = nz(vi->name);
        int k = ir_find(g, name);
        ir_tensor *t;
        snprintf(what, sizeof what, "graph output '%.200s'", name);
        if (!name[0])
            return rc_err(c, NULL, "graph output", "output %zu has an empty name", i);
        if (k < 0 && g->is_sub) {
            /* a branch may hand out an enclosing graph's value as it is */
            k = ir_add_tensor(g, name);
            g->t[k].is_outer = 1;
        }
        if (k < 0)
            return rc_err(c, NULL, what,
                          "is not produced by any node, nor a graph input or initializer");
        t = &g->t[k];
        if (t->is_output)
            return rc_err(c, NULL, what, "listed twice among the graph outputs");
        t->is_output = 1;
        if (value_info_type(c, vi, what, &t->decl_dtype, &t->decl_rank, t->decl_dims, NULL))
            return -1;
        g->output[g->n_output++] = k;
    }
    if (g->n_output == 0)
        return rc_err(c, NULL, "graph", "the graph has no outputs");
    return 0;
}

int rc_err_unknown_op(rc_ctx *c, const ir_node *n) {
    int default_domain = n->domain[0] == 0 || strcmp(n->domain, "ai.onnx") == 0;
    if (!default_domain)
        return rc_err(c, n, "operator",
                      "op_type '%s' in domain '%s' is not supported (rnnc implements the "
                      "default ONNX domain, and DynamicQuantizeLSTM of com.microsoft)",
                      n->op_type, n->domain);
    return rc_err(c, n, "operator",
                  "op_type '%s' (domain ai.onnx) is not supported; rnnc implements: %s", n->op_type,
                  rc_op_names());
}

/* Unknown op types of g and, recursively, of its subgraphs: each (op_type, domain) once
 * with its node count; sub counts those inside subgraphs. */
typedef struct unknown_op {
    const ir_node *first;
    int count, sub;
} unknown_op;

static int collect_unknown(const ir_graph *g, int in_sub, unknown_op *u, int n, int cap) {
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *nd = &g->node[i];
        int k = 0;
        for (int a = 0; a < nd->n_attr; a++)
            if (nd->attr[a].type == IR_ATTR_GRAPH && nd->attr[a].graph)
                n = collect_unknown(nd->attr[a].graph, 1, u, n, cap);
        if (nd->op != RC_OP_NONE)
            continue;
        while (k < n && !(strcmp(u[k].first->op_type, nd->op_type) == 0 &&
                          strcmp(u[k].first->domain, nd->domain) == 0))
            k++;
        if (k == n && n == cap)
            continue;
        if (k == n)
            u[n++] = (unknown_op){nd, 0, 0};
        u[k].count++;
        u[k].sub += in_sub;
    }
    return n;
}

/* Every op type the model uses that rnnc does not implement, in one message: "what would it
 * take to deploy this model" is answered by one run. */
static int unknown_ops_error(rc_ctx *c, const ir_graph *g) {
    enum { CAP = 64 };
    unknown_op u[CAP];
    int n = collect_unknown(g, 0, u, 0, CAP), default_domain = 1;
    rc_buf b = {0};
    if (n == 1 && u[0].count == 1)
        return rc_err_unknown_op(c, u[0].first);
    for (int k = 0; k < n; k++) {
        const ir_node *nd = u[k].first;
        int dflt = nd->domain[0] == 0 || strcmp(nd->domain, "ai.onnx") == 0;
        default_domain &= dflt;
        rc_buf_printf(&b, "%s'%s'%s%s%s x%d", k ? ", " : "", nd->op_type, dflt ? "" : " (domain '",
                      dflt ? "" : nd->domain, dflt ? "" : "')", u[k].count);
        if (u[k].sub)
            rc_buf_printf(&b, " (%d in If branches)", u[k].sub);
    }
    rc_err(c, u[0].first, "operator",
           "%d op type%s the model uses %s not supported: %s%s; rnnc implements%s: %s", n,
           n == 1 ? "" : "s", n == 1 ? "is" : "are", b.p, n == CAP ? " (and more)" : "",
           default_domain
               ? ""
               : " (in the default ONNX domain, and DynamicQuantizeLSTM of com.microsoft)",
           rc_op_names());
    rc_buf_free(&b);
    return -1;
}

/* Each node's op. In a subgraph an unknown op is left RC_OP_NONE: a branch that is never
 * taken may hold anything; the If reports it when the branch is inlined. In the main graph
 * every unknown op is listed (those in branches too); c->keep_unknown_ops records the error
 * and goes on, so `rnnc info` can show the rest. */
static int resolve_ops(rc_ctx *c, ir_graph *g, const Onnx__ModelProto *m) {
    int unknown = 0;
    for (int i = 0; i < g->n_node; i++) {
        ir_node *n = &g->node[i];
        int default_domain = n->domain[0] == 0 || strcmp(n->domain, "ai.onnx") == 0;
        n->op =
            default_domain ? rc_op_lookup(n->op_type) : rc_op_lookup_domain(n->domain, n->op_type);
        if (n->op != RC_OP_NONE || g->is_sub)
            continue;
        for (size_t f = 0; f < m->n_functions; f++)
            if (strcmp(nz(m->functions[f]->name), n->op_type) == 0 &&
                strcmp(nz(m->functions[f]->domain), n->domain) == 0)
                return rc_err(c, n, "operator",
                              "calls a model-local function; functions are not supported");
        unknown = 1;
    }
    if (!unknown)
        return 0;
    unknown_ops_error(c, g);
    c->unsupported = 1;
    return c->keep_unknown_ops ? 0 : -1;
}

/* After the nodes: their inputs by name, the subgraphs' reads, the graph outputs. */
static int load_body(rc_ctx *c, ir_graph *g, const Onnx__GraphProto *gp) {
    for (size_t i = 0; i < gp->n_node; i++)
        if (resolve_node_inputs(c, g, gp->node[i], &g->node[i]))
            return -1;
    return resolve_implicit(c, g) || load_outputs(c, g, gp);
}

static ir_graph *build_graph(rc_ctx *c, const char *path, const Onnx__ModelProto *m) {
    const Onnx__GraphProto *gp = m->graph;
    ir_graph *g;
    int ok;
    if (!gp) {
        rc_err(c, NULL, "model", "the model has no graph");
        return NULL;
    }
    g = ir_new();
    g->model_path = rc_xstrdup(path);
    g->graph_name = rc_xstrdup(nz(gp->name));
    g->producer = rc_xstrdup(nz(m->producer_name));
    g->ir_version = m->has_ir_version ? m->ir_version : 0;
    g->opset = default_opset(c, m, &ok);
    if (ok)
        g->ms_opset = ms_opset(c, m);
    if (!ok || g->ms_opset < 0 || load_initializers(c, g, gp) || load_inputs(c, g, gp) ||
        decl_inputs(g))
        goto fail;
    for (size_t i = 0; i < gp->n_node; i++)
        if (load_node(c, g, gp->node[i], (int)i))
            goto fail;
    if (load_body(c, g, gp) || resolve_ops(c, g, m) || topo_sort(c, g))
        goto fail;
    return g;
fail:
    ir_free(g);
    return NULL;
}

/* A node's graph attribute: its own initializers, inputs (If branches have none), nodes and
 * outputs; names it does not define are the enclosing graphs' (is_outer). */
static ir_graph *build_subgraph(rc_ctx *c, const ir_graph *parent, const Onnx__GraphProto *gp) {
    ir_graph *g = ir_new();
    g->is_sub = 1;
    g->model_path = rc_xstrdup(parent->model_path ? parent->model_path : "");
    g->graph_name = rc_xstrdup(nz(gp->name));
    g->producer = rc_xstrdup("");
    g->opset = parent->opset;
    g->ms_opset = parent->ms_opset;
    if (load_initializers(c, g, gp) || load_inputs(c, g, gp) || decl_inputs(g))
        goto fail;
    for (size_t i = 0; i < gp->n_node; i++)
        if (load_node(c, g, gp->node[i], (int)i))
            goto fail;
    if (load_body(c, g, gp) || resolve_ops(c, g, NULL) || topo_sort(c, g))
        goto fail;
    return g;
fail:
    ir_free(g);
    return NULL;
}

/* ---- nesting depth, checked on the wire before protobuf-c parses anything ----
 * protobuf-c unpacks nested messages recursively: a model with graph attributes nested a few
 * thousand deep (a few hundred KB) overflows the stack. This walks the bytes the way the
 * parser will, following the schema's message-typed fields (from protobuf-c's descriptors),
 * with its own recursion bounded by MAX_NESTING. Malformed bytes end the walk; the parser
 * then rejects them itself. */
#define MAX_NESTING 64

static int wire_varint(const unsigned char *p, size_t n, size_t *i, uint64_t *v) {
    *v = 0;
    for (int shift = 0; shift < 64 && *i < n; shift += 7) {
        const unsigned char b = p[(*i)++];
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 1;
    }
    return 0;
}

/* What the walk found wrong: the first string field with a NUL byte, or too deep a nesting. */
typedef struct wire_fault {
    int too_deep;
    const ProtobufCMessageDescriptor *msg; /* string with a NUL: its message and field */
    const ProtobufCFieldDescriptor *field;
} wire_fault;

/* 0 when some message inside p[0..n) lies deeper than MAX_NESTING or a string field holds a
 * NUL byte (protobuf-c hands strings over NUL-terminated: "x\0in" would silently become
 * "x", another tensor's name), else 1. */
static int wire_ok(const ProtobufCMessageDescriptor *d, const unsigned char *p, size_t n, int depth,
                   wire_fault *fault) {
    size_t i = 0;
    if (depth > MAX_NESTING) {
        fault->too_deep = 1;
        return 0;
    }
    while (i < n) {
        uint64_t key, v;
        const ProtobufCFieldDescriptor *f;
        if (!wire_varint(p, n, &i, &key))
            return 1;
        switch (key & 7) {
        case 0: /* varint */
            if (!wire_varint(p, n, &i, &v))
                return 1;
            break;
        case 1: /* 64-bit */
            if (n - i < 8)
                return 1;
            i += 8;
            break;
        case 5: /* 32-bit */
            if (n - i < 4)
                return 1;
            i += 4;
            break;
        case 2: /* length-delimited: a sub-message or a string when the schema says so */
            if (!wire_varint(p, n, &i, &v) || v > n - i)
                return 1;
            f = (key >> 3) <= 0x1fffffff
                    ? protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3))
                    : NULL;
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
                !wire_ok(f->descriptor, p + i, (size_t)v, depth + 1, fault))
                return 0;
            if (f && f->type == PROTOBUF_C_TYPE_STRING && v && memchr(p + i, 0, (size_t)v)) {
                fault->msg = d, fault->field = f;
                return 0;
            }
            i += (size_t)v;
            break;
        default: /* groups: not in ONNX, let the parser decide */
            return 1;
        }
    }
    return 1;
}

ir_graph *rc_load_model_bytes(rc_ctx *c, const char *path, const unsigned char *buf, size_t len) {
    Onnx__ModelProto *m;
    ir_graph *g;
    if (len == 0) {
        rc_err(c, NULL, "model", "the file is empty");
        return NULL;
    }
    {
        wire_fault fault = {0};
        if (!wire_ok(&onnx__model_proto__descriptor, buf, len, 1, &fault)) {
            if (fault.too_deep)
                rc_err(c, NULL, "model",
                       "messages are nested more than %d deep (e.g. graphs in graph "
                       "attributes); refused before parsing",
                       MAX_NESTING);
            else
                rc_err(c, NULL, "model",
                       "string field %s.%s contains a NUL byte (names and strings must not: the "
                       "part after it would be lost)",
                       fault.msg->name, fault.field->name);
            return NULL;
        }
    }
    m = onnx__model_proto__unpack(NULL, len, buf);
    if (!m) {
        Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, len, buf);
        if (tp && (tp->n_dims || tp->has_data_type || tp->has_raw_data)) {
            onnx__tensor_proto__free_unpacked(tp, NULL);
            rc_err(c, NULL, "model",
                   "not a valid ONNX model: it does not parse as a ModelProto but does as a "
                   "TensorProto (a tensor such as a test_data_set input?), %zu bytes",
                   len);
            return NULL;
        }
        if (tp)
            onnx__tensor_proto__free_unpacked(tp, NULL);
        rc_err(c, NULL, "model", "not a valid ONNX model (protobuf parse failed, %zu bytes)", len);
        return NULL;
    }
    if (!m->graph && !m->has_ir_version && m->n_opset_import == 0) {
        /* A TensorProto or another message often parses as an empty model. */
        onnx__model_proto__free_unpacked(m, NULL);
        rc_err(c, NULL, "model", "not an ONNX model: no ir_version, opset_import or graph");
        return NULL;
    }
    g = build_graph(c, path, m);
    onnx__model_proto__free_unpacked(m, NULL);
    if (g)
        rc_sha256_hex(buf, len, g->model_sha256);
    return g;
}

ir_graph *rc_load_model(rc_ctx *c, const char *path) {
    size_t len = 0;
    int e = 0;
    unsigned char *buf = rc_read_file(path, &len, &e);
    ir_graph *g;
    if (!buf) {
        rc_err(c, NULL, "model", "cannot read: %s", strerror(e));
        return NULL;
    }
    g = rc_load_model_bytes(c, path, buf, len);
    free(buf);
    return g;
}

void rc_tensor_clear(ir_tensor *t) {
    free(t->name);
    free(t->data);
    free(t->doc);
    memset(t, 0, sizeof *t);
}

int rc_load_tensor_file(rc_ctx *c, const char *path, ir_tensor *t) {
    size_t len = 0;
    int e = 0;
    unsigned char *buf;
    Onnx__TensorProto *tp;
    char what[600];
    int rc;
    if (rc_is_npy_path(path))
        return rc_npy_load(c, path, t);
    buf = rc_read_file(path, &len, &e);
    memset(t, 0, sizeof *t);
    snprintf(what, sizeof what, "tensor file '%.500s'", path);
    if (!buf)
        return rc_err(c, NULL, what, "cannot read: %s", strerror(e));
    tp = onnx__tensor_proto__unpack(NULL, len, buf);
    free(buf);
    if (!tp)
        return rc_err(c, NULL, what, "not a valid TensorProto%s",
                      strlen(path) > 5 && strcmp(path + strlen(path) - 5, ".onnx") == 0
                          ? " (this looks like a model; data files hold one tensor each)"
                          : "");
    t->name = rc_xstrdup(nz(tp->name));
    rc = tensor_from_proto(c, tp, t, what);
    onnx__tensor_proto__free_unpacked(tp, NULL);
    if (rc)
        rc_tensor_clear(t);
    return rc;
}

void rc_tensor_data_for(ir_tensor *t, int want) {
    if (t->dtype == IR_UINT16 && want == IR_BFLOAT16)
        t->dtype = IR_BFLOAT16;
}

int rc_save_tensor_file(rc_ctx *c, const char *path, const ir_tensor *t) {
    Onnx__TensorProto tp = ONNX__TENSOR_PROTO__INIT;
    int64_t dims[IR_MAX_RANK];
    size_t len;
    unsigned char *buf;
    FILE *f;
    int rc = 0;
    if (rc_is_npy_path(path))
        return rc_npy_save(c, path, t);
    for (int i = 0; i < t->rank; i++)
        dims[i] = t->dims[i];
    tp.n_dims = (size_t)t->rank;
    tp.dims = dims;
    tp.has_data_type = 1;
    tp.data_type = t->dtype;
    tp.name = t->name ? t->name : "";
    tp.has_raw_data = 1;
    tp.raw_data.len = (size_t)ir_numel(t) * ir_dtype_size(t->dtype);
    tp.raw_data.data = t->data;
    len = onnx__tensor_proto__get_packed_size(&tp);
    buf = rc_xmalloc(len);
    onnx__tensor_proto__pack(&tp, buf);
    f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len)
        rc = rc_err(c, NULL, path, "cannot write: %s", strerror(errno));
    if (f && fclose(f) != 0 && rc == 0)
        rc = rc_err(c, NULL, path, "cannot write: %s", strerror(errno));
    free(buf);
    return rc;
}
