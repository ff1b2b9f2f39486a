# PyTorch-exported models (tests/gen/gen_torch.py -> testdata/torch): each case
# directory holds model.onnx, test_data_set_0/ (PyTorch's outputs as the
# expected values) and rnnc_args (extra rnnc arguments, e.g. the --dim
# bindings for the dynamic axes; may be empty).
# Included from tests/CMakeLists.txt.
# CONFIGURE_DEPENDS: new or removed case directories are picked up by the next build
file(GLOB TORCH_CASE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/testdata/torch/*)
list(SORT TORCH_CASE_DIRS)
foreach(dir ${TORCH_CASE_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        set(torch_args "")
        if(EXISTS ${dir}/rnnc_args)
            file(READ ${dir}/rnnc_args torch_args_text)
            string(STRIP "${torch_args_text}" torch_args_text)
            separate_arguments(torch_args UNIX_COMMAND "${torch_args_text}")
            # re-run cmake when the arguments change
            set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/rnnc_args)
        endif()
        add_test(NAME torch_${case}
            COMMAND $<TARGET_FILE:rnnc> check ${torch_args}
                    ${dir}/model.onnx ${dir}/test_data_set_0 --atol 1e-4 --rtol 1e-3)
        # the step API (--stream): fed chunk by chunk it must match PyTorch and NAME_run;
        # models that need the whole sequence must be refused, naming why
        if(EXISTS ${dir}/stream_expect)
            file(STRINGS ${dir}/stream_expect stream_line LIMIT_COUNT 1)
            set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/stream_expect)
            if(stream_line MATCHES "^ok (.*)$")
                separate_arguments(stream_chunks UNIX_COMMAND "${CMAKE_MATCH_1}")
                foreach(k ${stream_chunks})
                    add_test(NAME torch_stream_${case}_chunk${k}
                        COMMAND $<TARGET_FILE:rnnc> check --stream --chunk ${k} ${torch_args}
                                ${dir}/model.onnx ${dir}/test_data_set_0 --atol 1e-4 --rtol 1e-3)
                endforeach()
            elseif(stream_line MATCHES "^error (.*)$")
                add_test(NAME torch_stream_${case}_refused
                    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/errors/expect_status.sh 1 ""
                            $<TARGET_FILE:rnnc> check --stream ${torch_args}
                            ${dir}/model.onnx ${dir}/test_data_set_0)
                set_tests_properties(torch_stream_${case}_refused PROPERTIES
                    PASS_REGULAR_EXPRESSION "--stream: .*${CMAKE_MATCH_1}"
                    FAIL_REGULAR_EXPRESSION "FAIL: exit status")
            endif()
        endif()
    endif()
endforeach()
