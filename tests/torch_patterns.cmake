# PyTorch-exported model patterns around recurrent layers
# (tests/gen/gen_torch_patterns.py -> testdata/torch_patterns): each case directory holds
# model.onnx, test_data_set_0/ (PyTorch's outputs as the expected values) and rnnc_args
# (extra rnnc arguments: --dim bindings of the dynamic axes; may be empty).
# CONFIGURE_DEPENDS: new or removed case directories are picked up by the next build
file(GLOB TORCHPAT_CASE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/testdata/torch_patterns/*)
list(SORT TORCHPAT_CASE_DIRS)
foreach(dir ${TORCHPAT_CASE_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        set(torchpat_args "")
        if(EXISTS ${dir}/rnnc_args)
            file(READ ${dir}/rnnc_args torchpat_args_text)
            string(STRIP "${torchpat_args_text}" torchpat_args_text)
            separate_arguments(torchpat_args UNIX_COMMAND "${torchpat_args_text}")
            # re-run cmake when the arguments change
            set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/rnnc_args)
        endif()
        add_test(NAME torchpat_${case}
            COMMAND $<TARGET_FILE:rnnc> check ${torchpat_args}
                    ${dir}/model.onnx ${dir}/test_data_set_0 --atol 1e-4 --rtol 1e-3)
        # stream_expect: "ok K..." (the step API, K steps per call, must match PyTorch) or
        # "error REGEX" (--stream must be refused for that reason), as in tests/torch.cmake
        if(EXISTS ${dir}/stream_expect)
            file(STRINGS ${dir}/stream_expect stream_line LIMIT_COUNT 1)
            set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/stream_expect)
            if(stream_line MATCHES "^ok (.*)$")
                separate_arguments(stream_chunks UNIX_COMMAND "${CMAKE_MATCH_1}")
                foreach(k ${stream_chunks})
                    add_test(NAME torchpat_stream_${case}_chunk${k}
                        COMMAND $<TARGET_FILE:rnnc> check --stream --chunk ${k} ${torchpat_args}
                                ${dir}/model.onnx ${dir}/test_data_set_0 --atol 1e-4 --rtol 1e-3)
                endforeach()
            elseif(stream_line MATCHES "^error (.*)$")
                add_test(NAME torchpat_stream_${case}_refused
                    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/errors/expect_status.sh 1 ""
                            $<TARGET_FILE:rnnc> check --stream ${torchpat_args}
                            ${dir}/model.onnx ${dir}/test_data_set_0)
                set_tests_properties(torchpat_stream_${case}_refused PROPERTIES
                    PASS_REGULAR_EXPRESSION "--stream: .*${CMAKE_MATCH_1}"
                    FAIL_REGULAR_EXPRESSION "FAIL: exit status")
            else()
                message(FATAL_ERROR "${dir}/stream_expect: must start with 'ok' or 'error'")
            endif()
        endif()
    endif()
endforeach()
