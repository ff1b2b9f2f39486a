# rnnc_stream_expect(PREFIX DIR [rnnc args...]): the --stream tests of one exported model whose
# case directory DIR holds stream_expect, one line:
#   ok K...       for each K, PREFIX_chunkK: `rnnc check --stream --chunk K` (the step API fed
#                 K steps per call must match the expected outputs and NAME_run), and
#                 PREFIX_steponly_chunkK for the last K: `rnnc check --step-only --chunk K`
#   error REGEX   PREFIX_refused: --stream is refused (exit 1) with an error matching REGEX
# Used by tests/torch.cmake and tests/torch_patterns.cmake.
function(rnnc_stream_expect prefix dir)
    if(NOT EXISTS ${dir}/stream_expect)
        return()
    endif()
    file(STRINGS ${dir}/stream_expect stream_line LIMIT_COUNT 1)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/stream_expect)
    if(stream_line MATCHES "^ok (.*)$")
        separate_arguments(stream_chunks UNIX_COMMAND "${CMAKE_MATCH_1}")
        foreach(k ${stream_chunks})
            add_test(NAME ${prefix}_chunk${k}
                COMMAND $<TARGET_FILE:rnnc> check --stream --chunk ${k} ${ARGN}
                        ${dir}/model.onnx ${dir}/test_data_set_0 --atol 1e-4 --rtol 1e-3)
        endforeach()
        # --step-only: the step API alone (no NAME_run) over the same sequence
        list(GET stream_chunks -1 k)
        add_test(NAME ${prefix}_steponly_chunk${k}
            COMMAND $<TARGET_FILE:rnnc> check --step-only --chunk ${k} ${ARGN}
                    ${dir}/model.onnx ${dir}/test_data_set_0 --atol 1e-4 --rtol 1e-3)
    elseif(stream_line MATCHES "^error (.*)$")
        add_test(NAME ${prefix}_refused
            COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/errors/expect_status.sh 1 ""
                    $<TARGET_FILE:rnnc> check --stream ${ARGN}
                    ${dir}/model.onnx ${dir}/test_data_set_0)
        set_tests_properties(${prefix}_refused PROPERTIES
            PASS_REGULAR_EXPRESSION "--stream: .*${CMAKE_MATCH_1}"
            FAIL_REGULAR_EXPRESSION "FAIL: exit status")
    else()
        message(FATAL_ERROR "${dir}/stream_expect: must start with 'ok' or 'error'")
    endif()
endfunction()
