# ONNX Runtime's com.microsoft DynamicQuantizeLSTM (tests/gen/gen_dqlstm.py -> testdata/dqlstm,
# testdata/dqlstm_bad). Included from tests/CMakeLists.txt.
#
#   dqlstm_<case>
#       rnnc check on testdata/dqlstm/<case>: the interpreter and the generated code against ONNX
#       Runtime's outputs (one intra-op thread), at the default tolerance (atol 1e-5, rtol 1e-3;
#       the largest difference measured is 3e-7: no quantised value of h came out differently).
#       int8 per column and per direction (with and without zero points), uint8 per direction
#       and per column; forward, reverse, bidirectional; batch 1 and 3; initial states, run-time
#       sequence_lens (with a 0), peepholes, clip, input_forget, no bias, no Y.
#   dqlstmbad_<case>
#       rnnc compile testdata/dqlstm_bad/<case>/model.onnx must fail through
#       tests/errors/expect_error.sh with a line matching the regex in <case>/expect.
#   dqlstm_stream_refused
#       --stream is refused: X is quantised on the range of the whole sequence.
#   dqlstm_seq_lens_interp
#       the interpreter (rnnc run) refuses a run-time sequence length past T, naming the node.
get_filename_component(DQL_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

file(GLOB DQL_CASE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${DQL_ROOT}/testdata/dqlstm/*)
list(SORT DQL_CASE_DIRS)
foreach(dir ${DQL_CASE_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        add_test(NAME dqlstm_${case}
            COMMAND $<TARGET_FILE:rnnc> check ${dir}/model.onnx ${dir}/test_data_set_0)
    endif()
endforeach()

file(GLOB DQL_BAD_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${DQL_ROOT}/testdata/dqlstm_bad/*)
list(SORT DQL_BAD_DIRS)
foreach(dir ${DQL_BAD_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        if(NOT EXISTS ${dir}/expect)
            message(FATAL_ERROR "${dir}: missing the 'expect' file (regex for the error message)")
        endif()
        file(READ ${dir}/expect dql_expect)
        string(STRIP "${dql_expect}" dql_expect)
        if(dql_expect STREQUAL "" OR dql_expect MATCHES ";")
            message(FATAL_ERROR "${dir}/expect: must hold one non-empty regex without ';'")
        endif()
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/expect)
        add_test(NAME dqlstmbad_${case}
            COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/errors/expect_error.sh $<TARGET_FILE:rnnc>
                    ${dir}/model.onnx "dqlstm_bad/${case}/model.onnx: ")
        set_tests_properties(dqlstmbad_${case} PROPERTIES
            PASS_REGULAR_EXPRESSION "stderr: [^\n]*(${dql_expect})"
            FAIL_REGULAR_EXPRESSION "FAIL: (exit status|stderr lacks|expected exactly one line|files left behind)")
    endif()
endforeach()

add_test(NAME dqlstm_stream_refused
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/errors/expect_error.sh $<TARGET_FILE:rnnc>
            ${DQL_ROOT}/testdata/dqlstm/fwd_i8col_b1/model.onnx "fwd_i8col_b1/model.onnx: ")
set_tests_properties(dqlstm_stream_refused PROPERTIES
    ENVIRONMENT "RNNC_EXTRA_ARGS=--stream"
    PASS_REGULAR_EXPRESSION "stderr: [^\n]*node 'dqlstm' [(]'DynamicQuantizeLSTM' in domain 'com.microsoft'[)]: [^\n]*quantises X on the range of the whole sequence"
    FAIL_REGULAR_EXPRESSION "FAIL: (exit status|stderr lacks|expected exactly one line|files left behind)")

set(DQL_LENS_CASE ${DQL_ROOT}/testdata/dqlstm/bidi_i8col_b3_lens_init)
add_test(NAME dqlstm_seq_lens_interp
    COMMAND $<TARGET_FILE:rnnc> run ${DQL_LENS_CASE}/model.onnx --input-dir ${DQL_LENS_CASE}/lens_bad
            --output-dir ${CMAKE_CURRENT_BINARY_DIR}/dqlstm_seq_lens_interp)
set_tests_properties(dqlstm_seq_lens_interp PROPERTIES
    PASS_REGULAR_EXPRESSION "node 'dqlstm' [(]'DynamicQuantizeLSTM' in domain 'com.microsoft'[)]: input 'sequence_lens': value 10 for batch entry 1 is outside 0[.][.]9")
