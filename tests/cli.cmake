# cli.cmake - the command line tells the truth (issue 12): usage errors name the argument and
# point to --help; an option a command does not use is an error; a data problem is reported as
# itself before any dimension is blamed; --input takes several files; --shape cannot contradict
# a fixed dim; every unsupported op is listed at once. Included by tests/CMakeLists.txt
# (GOOD_MODEL, SYM_CASE, EXPECT_STATUS set there). Models: tests/gen/gen_cli_cases.py.
set(EXPECT_USAGE ${CMAKE_CURRENT_SOURCE_DIR}/errors/expect_usage.sh)
set(GOOD_DATA ${CMAKE_SOURCE_DIR}/testdata/onnx-backend-node/test_lstm_defaults/test_data_set_0)
set(CLI_OUT ${CMAKE_CURRENT_BINARY_DIR}/cli_out)

# ---- usage errors: the offending argument by name, a pointer to --help, no help dump ----
add_test(NAME cli_usage_bad_unroll
    COMMAND sh ${EXPECT_USAGE} "--unroll 'sideways': takes auto, none or full"
            $<TARGET_FILE:rnnc> compile ${GOOD_MODEL} -o ${CLI_OUT} --unroll sideways)
add_test(NAME cli_usage_unknown_option
    COMMAND sh ${EXPECT_USAGE} "unknown option '--frobnicate'"
            $<TARGET_FILE:rnnc> info ${GOOD_MODEL} --frobnicate)
add_test(NAME cli_usage_missing_value
    COMMAND sh ${EXPECT_USAGE} "option '-o' needs a value" $<TARGET_FILE:rnnc> compile ${GOOD_MODEL} -o)
add_test(NAME cli_usage_option_twice
    COMMAND sh ${EXPECT_USAGE} "option '--name' is given twice ('a' and 'b')"
            $<TARGET_FILE:rnnc> compile ${GOOD_MODEL} -o ${CLI_OUT} --name a --name b)
add_test(NAME cli_usage_extra_argument
    COMMAND sh ${EXPECT_USAGE} "unexpected argument 'extra.onnx' (one MODEL only)"
            $<TARGET_FILE:rnnc> info ${GOOD_MODEL} extra.onnx)
add_test(NAME cli_usage_unknown_command
    COMMAND sh ${EXPECT_USAGE} "unknown command 'frobnicate'" $<TARGET_FILE:rnnc> frobnicate)

# ---- options a command does not use are errors, not silently ignored ----
foreach(spec
        "check|--target|cortex-m4|info"
        "compile|--target|cortex-m4|info"
        "compile|--cc|gcc|info"
        "compile|--atol|1e-3|check"
        "run|--atol|1e-3|check"
        "info|--keep||check"
        "run|--unroll|none|compile, check, info")
    string(REPLACE "|" ";" parts "${spec}")
    list(GET parts 0 cmd)
    list(GET parts 1 opt)
    list(GET parts 2 val)
    list(GET parts 3 users)
    string(REPLACE "-" "" optname "${opt}")
    set(args ${GOOD_MODEL})
    if(cmd STREQUAL "compile")
        list(APPEND args -o ${CLI_OUT})
    elseif(cmd STREQUAL "run")
        list(APPEND args --input-dir ${GOOD_DATA} --output-dir ${CLI_OUT})
    elseif(cmd STREQUAL "check")
        list(APPEND args ${GOOD_DATA})
    endif()
    add_test(NAME cli_unused_option_${cmd}_${optname}
        COMMAND sh ${EXPECT_USAGE}
                "option '${opt}' does not apply to 'rnnc ${cmd}' (it is used by: ${users})"
                $<TARGET_FILE:rnnc> ${cmd} ${args} ${opt} ${val})
endforeach()
add_test(NAME cli_info_cc_and_target
    COMMAND sh ${EXPECT_USAGE} "--cc and --target both choose the compiler"
            $<TARGET_FILE:rnnc> info ${GOOD_MODEL} --target cortex-m4 --cc "gcc -O2")

# ---- a file or data problem is reported as itself, before any dim inference ----
add_test(NAME cli_data_dir_missing
    COMMAND sh ${EXPECT_STATUS} 1 "data directory '${CMAKE_CURRENT_BINARY_DIR}/no_such_dir': No such file or directory"
            $<TARGET_FILE:rnnc> run ${SYM_CASE}/model.onnx --input-dir ${CMAKE_CURRENT_BINARY_DIR}/no_such_dir
            --output-dir ${CLI_OUT})
add_test(NAME cli_data_dir_is_parent
    COMMAND sh ${EXPECT_STATUS} 1 "holds no input_0 or output_0 (.pb or .npy); it holds test_data_set_0/ and the like: give those directories"
            $<TARGET_FILE:rnnc> check ${SYM_CASE}/model.onnx ${SYM_CASE})
add_test(NAME cli_data_model_as_input
    COMMAND sh ${EXPECT_STATUS} 1 "tensor file '${SYM_CASE}/model.onnx': not a valid TensorProto (this looks like a model"
            $<TARGET_FILE:rnnc> run ${SYM_CASE}/model.onnx --input ${SYM_CASE}/model.onnx
            --output-dir ${CLI_OUT})
add_test(NAME cli_data_rank_mismatch
    COMMAND sh ${EXPECT_STATUS} 1 "data file '${CMAKE_SOURCE_DIR}/testdata/cli/x_rank2.pb' holds float[5][3] (rank 2), but graph input 0 'X' is float[seq][batch][3] (rank 3)"
            $<TARGET_FILE:rnnc> run ${SYM_CASE}/model.onnx --input ${CMAKE_SOURCE_DIR}/testdata/cli/x_rank2.pb
            ${SYM_CASE}/test_data_set_0/input_1.pb ${SYM_CASE}/test_data_set_0/input_2.pb
            ${SYM_CASE}/test_data_set_0/input_3.pb --output-dir ${CLI_OUT})

# ---- --input FILE... takes several files; the run matches the data set's expected output ----
add_test(NAME cli_input_several_files
    COMMAND sh -c "rm -rf \"$3\" && \"$0\" run \"$1\" --input \"$2/input_0.pb\" \"$2/input_1.pb\" \"$2/input_2.pb\" --output-dir \"$3\" && mkdir -p \"$3/set\" && cp \"$2\"/input_*.pb \"$3/set/\" && cp \"$3/output_0.pb\" \"$3/set/output_0.pb\" && \"$0\" check \"$1\" \"$3/set\" --atol 1e-6 --rtol 0 && \"$0\" check \"$1\" \"$2\""
            $<TARGET_FILE:rnnc> ${GOOD_MODEL} ${GOOD_DATA} ${CMAKE_CURRENT_BINARY_DIR}/cli_several)

# ---- --shape cannot contradict a fixed declared dim, nor a dim --dim bound ----
add_test(NAME cli_shape_contradicts_fixed_dim
    COMMAND sh ${EXPECT_STATUS} 1 "--shape: 'X' is declared float[1][3][2]: dimension 0 is fixed at 1; the shape given says 2"
            $<TARGET_FILE:rnnc> info ${GOOD_MODEL} --shape X=2,3,2)
add_test(NAME cli_shape_contradicts_rank
    COMMAND sh ${EXPECT_STATUS} 1 "--shape: 'X' is declared float[1][3][2] (rank 3); the shape given has rank 2"
            $<TARGET_FILE:rnnc> info ${GOOD_MODEL} --shape X=3,2)
add_test(NAME cli_shape_contradicts_dim
    COMMAND sh ${EXPECT_STATUS} 1 "--shape: 'X' dimension 1 ('batch') is bound to 3 by --dim; the shape given says 2"
            $<TARGET_FILE:rnnc> info ${SYM_CASE}/model.onnx --dim batch=3 --shape X=5,2,3)
add_test(NAME cli_shape_agrees_with_fixed_dim
    COMMAND sh ${EXPECT_STATUS} 0 "input 0:  'X' float[1][3][2]"
            $<TARGET_FILE:rnnc> info ${GOOD_MODEL} --shape X=1,3,2)

# ---- every unsupported op at once (with counts, those in If branches too); info still
# prints what it knows and exits 1 ----
set(UNKNOWN_OPS "4 op types the model uses are not supported: 'Einsum' x2, 'NonZero' x1, 'FusedMatMul' (domain 'com.microsoft') x1, 'Det' x1 (1 in If branches)")
add_test(NAME cli_unsupported_ops_compile
    COMMAND sh ${EXPECT_STATUS} 1 "${UNKNOWN_OPS}"
            $<TARGET_FILE:rnnc> compile ${CMAKE_SOURCE_DIR}/testdata/cli/unknown_ops_many.onnx -o ${CLI_OUT})
add_test(NAME cli_unsupported_ops_info
    COMMAND sh ${EXPECT_STATUS} 1 "${UNKNOWN_OPS}"
            $<TARGET_FILE:rnnc> info ${CMAKE_SOURCE_DIR}/testdata/cli/unknown_ops_many.onnx)
add_test(NAME cli_unsupported_ops_info_prints_rest
    COMMAND sh ${EXPECT_STATUS} 1 "ops:      Einsum x2 (not supported), GRU x1, NonZero x1 (not supported), FusedMatMul (domain 'com.microsoft') x1 (not supported), Flatten x1, Reshape x1, If x1"
            $<TARGET_FILE:rnnc> info ${CMAKE_SOURCE_DIR}/testdata/cli/unknown_ops_many.onnx)

# ---- --step-only: the step API alone; its context does not grow with the sequence length
# (the same bytes at seq 2 and 1000, where --stream's NAME_run grows), and its header has no
# NAME_run ----
set(STEP_CASE ${CMAKE_SOURCE_DIR}/testdata/torch/lstm_l2_bf_nobias_h0c0_yh_linsoftmax_dynbs_op11/model.onnx)
add_test(NAME step_only_context_constant
    COMMAND sh -c "a=$(\"$0\" info --step-only \"$1\" --dim batch=1 --dim seq=2 | grep -o 'context (RAM) [0-9]* bytes, weights (flash) [0-9]* bytes' | head -n 1) && b=$(\"$0\" info --step-only \"$1\" --dim batch=1 --dim seq=1000 | grep -o 'context (RAM) [0-9]* bytes, weights (flash) [0-9]* bytes' | head -n 1) && s=$(\"$0\" info --stream \"$1\" --dim batch=1 --dim seq=1000 | grep -o 'context (RAM) [0-9]* bytes' | head -n 1) && echo \"seq 2: $a / seq 1000: $b / --stream at 1000: $s\" && [ -n \"$a\" ] && [ \"$a\" = \"$b\" ] && [ \"\${a%%, weights*}\" != \"$s\" ]"
            $<TARGET_FILE:rnnc> ${STEP_CASE})
add_test(NAME step_only_header_has_no_run
    COMMAND sh -c "rm -rf \"$2\" && \"$0\" compile \"$1\" --step-only --dim batch=1 --dim seq=4 -o \"$2\" && grep -q 'int net_step(' \"$2/net.h\" && ! grep -q 'net_run' \"$2/net.h\" \"$2/net.c\""
            $<TARGET_FILE:rnnc> ${STEP_CASE} ${CMAKE_CURRENT_BINARY_DIR}/step_only_header)
add_test(NAME step_only_check_can_fail
    COMMAND sh ${EXPECT_STATUS} 1 "FAIL"
            $<TARGET_FILE:rnnc> check --step-only ${CMAKE_SOURCE_DIR}/testdata/torch/lstm_l1_op13/model.onnx
            ${CMAKE_SOURCE_DIR}/testdata/torch/lstm_l1_op13/test_data_set_0 --atol 0 --rtol 0)
add_test(NAME step_only_stream_and_step_only
    COMMAND sh ${EXPECT_USAGE} "--stream (NAME_run and the step API) and --step-only (the step API alone) contradict"
            $<TARGET_FILE:rnnc> info ${STEP_CASE} --stream --step-only)

# ---- models exported with one time step (a fixed [1, 1, features] input, the state as
# inputs and outputs, called in a Python loop): --step-only builds, and calling NAME_step
# step by step gives PyTorch's outputs and final state (tests/gen/gen_step_only.py) ----
foreach(case lstm_seq1_op13 gru2_batch_first_seq1_op13)
    rnnc_add_model(step_only_${case} MODEL ${CMAKE_SOURCE_DIR}/testdata/step_only/${case}/model.onnx
        NAME net STEP_ONLY OUTPUT_DIR step_only_${case}_gen)
    add_executable(step_seq1_${case} ${CMAKE_CURRENT_SOURCE_DIR}/step_only/step_seq1.c)
    target_include_directories(step_seq1_${case} PRIVATE ${CMAKE_SOURCE_DIR}/testdata/step_only/${case})
    target_link_libraries(step_seq1_${case} PRIVATE step_only_${case} m)
    add_test(NAME step_only_seq1_${case} COMMAND step_seq1_${case})
endforeach()

# ---- info --stream: per step call and per time step flops (for a causal model, flops per
# call x calls per sequence = the whole sequence's), and the step API alone's RAM and flash ----
add_test(NAME info_stream_per_step
    COMMAND sh -c "out=$(\"$0\" info --stream --chunk 2 \"$1\" --dim batch=1 --dim seq=10) || exit 1; echo \"$out\"; per=$(echo \"$out\" | sed -n 's/^per step: 2 time steps per net_step call; flops per call \\([0-9]*\\) (per time step \\([0-9]*\\)); net_run over 10 time steps: \\([0-9]*\\)$/\\1 \\2 \\3/p'); set -- $per; [ $# -eq 3 ] && [ $(($1 * 5)) -eq $3 ] && [ $(($2 * 2)) -eq $1 ] && echo \"$out\" | grep -q '^step API alone (--step-only): context (RAM) [0-9]* bytes, weights (flash) [0-9]* bytes$' && echo \"$out\" | grep -q '^step API alone, footprint (cc -Os): flash [0-9]* bytes'"
            $<TARGET_FILE:rnnc> ${STEP_CASE})
add_test(NAME cli_unsupported_ops_info_json
    COMMAND sh -c "\"$0\" info --json \"$1\" > \"$2\"; st=$?; [ $st -eq 1 ] && /usr/bin/env python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); bad = [n[\"op_type\"] for n in d[\"nodes\"] if not n[\"supported\"]]; print(bad); assert d[\"compiled\"] is False and bad == [\"Einsum\", \"Einsum\", \"NonZero\", \"FusedMatMul\"], bad; assert \"4 op types\" in d[\"not_compiled\"]' \"$2\""
            $<TARGET_FILE:rnnc> ${CMAKE_SOURCE_DIR}/testdata/cli/unknown_ops_many.onnx
            ${CMAKE_CURRENT_BINARY_DIR}/unknown_ops_many.json)
