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
        # the step API (--stream): tests/stream_expect.cmake
        rnnc_stream_expect(torchpat_stream_${case} ${dir} ${torchpat_args})
    endif()
endforeach()
