# ---- rnnc info: the per-node table and --json (tests/info/check_info_json.py parses the JSON
# with Python's json module; see its docstring for what each mode checks) ----
find_program(RNNC_INFO_PYTHON NAMES python3 HINTS /usr/bin)
set(INFO_JSON ${RNNC_INFO_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/info/check_info_json.py
    $<TARGET_FILE:rnnc>)
# one bidirectional LSTM: MACs, FLOPs, parameters, weight and scratch bytes by hand from the
# dims; the text form's lines and table agree
add_test(NAME info_json_lstm
    COMMAND ${INFO_JSON} lstm ${CMAKE_SOURCE_DIR}/testdata/cases/lstm_bidir_acts_per_dir/model.onnx)
# the same LSTM figures for the LSTM node of a PyTorch export (batch_first: a Transpose
# before it, Squeeze/Transpose/Gather after; seq 1, batch 1, input 4, hidden 4, 1 direction)
add_test(NAME info_json_lstm_in_graph
    COMMAND ${INFO_JSON} lstm=1,1,4,4,1
            ${CMAKE_SOURCE_DIR}/testdata/torch/lstm_l1_bf_h0c0_last_op17/model.onnx)
# Conv (+Relu fused), BatchNormalization, MaxPool, GRU, Gemm: totals are the sums of the nodes,
# the output is the same from another directory
add_test(NAME info_json_sums_conv_gru
    COMMAND ${INFO_JSON} sums
            ${CMAKE_SOURCE_DIR}/testdata/torch_patterns/kws_conv_relu_bn_gru_op13/model.onnx)
# --stream: the step graph's state is context memory outside the graph's nodes
add_test(NAME info_json_sums_stream
    COMMAND ${INFO_JSON} sums ${CMAKE_SOURCE_DIR}/testdata/torch/lstm_l1_op13/model.onnx --stream)
add_test(NAME info_json_unbound_dims
    COMMAND ${INFO_JSON} unbound ${CMAKE_SOURCE_DIR}/testdata/cases/lstm_symbolic_dims/model.onnx)
add_test(NAME info_json_footprint_fails
    COMMAND ${INFO_JSON} nofootprint ${CMAKE_SOURCE_DIR}/testdata/cases/lstm_out_Y/model.onnx
            --cc false)
add_test(NAME info_json_not_for_compile
    COMMAND sh ${EXPECT_STATUS} 2 "option '--json' does not apply to 'rnnc compile' (it is used by: info)" $<TARGET_FILE:rnnc> compile
            ${CMAKE_SOURCE_DIR}/testdata/cases/lstm_out_Y/model.onnx -o ${CMAKE_CURRENT_BINARY_DIR}/j
            --json)
# hostile names: valid JSON (ASCII, every string escaped) whose strings are the model's
file(GLOB INFO_HOSTILE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/testdata/hostile/*)
list(SORT INFO_HOSTILE_DIRS)
foreach(dir ${INFO_HOSTILE_DIRS})
    get_filename_component(case ${dir} NAME)
    if(case STREQUAL "nul_bytes")
        # refused by the loader: an error, no partial document
        add_test(NAME info_json_hostile_${case}
            COMMAND sh -c "out=$(\"$1\" info --json \"$2\" 2>/dev/null); st=$?; echo \"status $st, stdout '$out'\"; [ $st -eq 1 ] && [ -z \"$out\" ]"
                    sh $<TARGET_FILE:rnnc> ${dir}/model.onnx)
    elseif(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        add_test(NAME info_json_hostile_${case} COMMAND ${INFO_JSON} names ${dir}/model.onnx)
    endif()
endforeach()
