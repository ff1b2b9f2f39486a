# Quantised (QDQ) models (tests/gen/gen_qdq.py -> testdata/qdq, testdata/qdq_bad). Included
# from tests/CMakeLists.txt.
#
#   qdq_<case>, qdq_<case>_unroll_none
#       rnnc check on testdata/qdq/<case>: PyTorch exports rewritten with DequantizeLinear on
#       every weight (per tensor and per axis) and QuantizeLinear/DequantizeLinear pairs on
#       activations, and single-op cases (ties, saturation, run-time scales), against ONNX
#       Runtime's outputs.
#   qdqbad_<case>
#       rnnc compile testdata/qdq_bad/<case>/model.onnx must fail through
#       tests/errors/expect_error.sh (exit status 1, one line naming the model file, nothing
#       written) with a line matching the regex in testdata/qdq_bad/<case>/expect.
#   qdq_runtime_scale_rt
#       generated code for run-time scales: a scale that is 0, negative, NaN or Inf makes
#       net_run return RNNRT_E_ARG with the outputs untouched (tests/qdq/test_qdq_rt.c).
#   qdq_gru_pertensor_op11_stream_K
#       rnnc check --stream --chunk K (1, 2, 4) on the GRU with a quantised input.
#   qdqstreambad_<case> (and _compiles)
#       testdata/qdq_stream_bad: compiles and checks without --stream, refused with it.
#   qdq_runtime_scale_interp
#       the interpreter (rnnc run) refuses the same scale with an error naming the node.
get_filename_component(QDQ_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

file(GLOB QDQ_CASE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${QDQ_ROOT}/testdata/qdq/*)
list(SORT QDQ_CASE_DIRS)
foreach(dir ${QDQ_CASE_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        string(REGEX REPLACE "^qdq_" "" case ${case})
        add_test(NAME qdq_${case}
            COMMAND $<TARGET_FILE:rnnc> check ${dir}/model.onnx ${dir}/test_data_set_0)
        add_test(NAME qdq_${case}_unroll_none
            COMMAND $<TARGET_FILE:rnnc> check --unroll none ${dir}/model.onnx
                    ${dir}/test_data_set_0)
    endif()
endforeach()

file(GLOB QDQ_BAD_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${QDQ_ROOT}/testdata/qdq_bad/*)
list(SORT QDQ_BAD_DIRS)
foreach(dir ${QDQ_BAD_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        if(NOT EXISTS ${dir}/expect)
            message(FATAL_ERROR "${dir}: missing the 'expect' file (regex for the error message)")
        endif()
        file(READ ${dir}/expect qdq_expect)
        string(STRIP "${qdq_expect}" qdq_expect)
        if(qdq_expect STREQUAL "" OR qdq_expect MATCHES ";")
            message(FATAL_ERROR "${dir}/expect: must hold one non-empty regex without ';'")
        endif()
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/expect)
        add_test(NAME qdqbad_${case}
            COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/errors/expect_error.sh $<TARGET_FILE:rnnc>
                    ${dir}/model.onnx "qdq_bad/${case}/model.onnx: ")
        set_tests_properties(qdqbad_${case} PROPERTIES
            PASS_REGULAR_EXPRESSION "stderr: [^\n]*(${qdq_expect})"
            FAIL_REGULAR_EXPRESSION "FAIL: (exit status|stderr lacks|expected exactly one line|files left behind)")
    endif()
endforeach()

set(QDQ_RT_DIR ${CMAKE_CURRENT_BINARY_DIR}/gen_qdq_rt)
set(QDQ_RT_MODEL ${QDQ_ROOT}/testdata/qdq/qdq_runtime_scale_op13/model.onnx)
add_custom_command(
    OUTPUT ${QDQ_RT_DIR}/net.c ${QDQ_RT_DIR}/net.h
    COMMAND rnnc compile ${QDQ_RT_MODEL} -o ${QDQ_RT_DIR}
    DEPENDS rnnc ${QDQ_RT_MODEL}
    COMMENT "rnnc compile qdq_runtime_scale_op13")
add_executable(test_qdq_rt qdq/test_qdq_rt.c ${QDQ_RT_DIR}/net.c)
target_include_directories(test_qdq_rt PRIVATE ${QDQ_RT_DIR})
target_compile_options(test_qdq_rt PRIVATE -std=c99 -Wall -Wextra -Werror -pedantic)
target_link_libraries(test_qdq_rt PRIVATE rnnrt m)
add_test(NAME qdq_runtime_scale_rt COMMAND test_qdq_rt)

add_test(NAME qdq_runtime_scale_interp
    COMMAND $<TARGET_FILE:rnnc> run ${QDQ_RT_MODEL} --input-dir
            ${QDQ_ROOT}/testdata/qdq/qdq_runtime_scale_op13/scale_zero
            --output-dir ${CMAKE_CURRENT_BINARY_DIR}/qdq_runtime_scale_interp)
set_tests_properties(qdq_runtime_scale_interp PROPERTIES
    PASS_REGULAR_EXPRESSION "node 'q_rt' [(]'QuantizeLinear'[)]: input 'y_scale': 's' element 1 is zero [(]0[)] at run time: a scale must be positive and finite")

# --stream: the GRU with its input through QuantizeLinear/DequantizeLinear (elementwise, so the
# pair runs on each chunk) at chunk sizes 1, 2 and 4; the step API against ORT's outputs.
foreach(k 1 2 4)
    add_test(NAME qdq_gru_pertensor_op11_stream_${k}
        COMMAND $<TARGET_FILE:rnnc> check --stream --chunk ${k}
                ${QDQ_ROOT}/testdata/qdq/qdq_gru_pertensor_op11/model.onnx
                ${QDQ_ROOT}/testdata/qdq/qdq_gru_pertensor_op11/test_data_set_0)
endforeach()

# --stream refusals: testdata/qdq_stream_bad/<case>/model.onnx compiles without --stream (so
# the refusal is the streaming rule's) and `rnnc compile --stream` must fail with the regex in
# <case>/expect; ctest qdqstreambad_<case>.
file(GLOB QDQ_STREAM_BAD_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS
     ${QDQ_ROOT}/testdata/qdq_stream_bad/*)
list(SORT QDQ_STREAM_BAD_DIRS)
foreach(dir ${QDQ_STREAM_BAD_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        file(READ ${dir}/expect qdq_expect)
        string(STRIP "${qdq_expect}" qdq_expect)
        if(qdq_expect STREQUAL "" OR qdq_expect MATCHES ";")
            message(FATAL_ERROR "${dir}/expect: must hold one non-empty regex without ';'")
        endif()
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/expect)
        add_test(NAME qdqstreambad_${case}
            COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/errors/expect_error.sh $<TARGET_FILE:rnnc>
                    ${dir}/model.onnx "qdq_stream_bad/${case}/model.onnx: ")
        set_tests_properties(qdqstreambad_${case} PROPERTIES
            ENVIRONMENT "RNNC_EXTRA_ARGS=--stream"
            PASS_REGULAR_EXPRESSION "stderr: [^\n]*(${qdq_expect})"
            FAIL_REGULAR_EXPRESSION "FAIL: (exit status|stderr lacks|expected exactly one line|files left behind)")
        add_test(NAME qdqstreambad_${case}_compiles
            COMMAND $<TARGET_FILE:rnnc> check ${dir}/model.onnx --random)
    endif()
endforeach()
