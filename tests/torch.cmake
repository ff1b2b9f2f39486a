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
        # the step API (--stream): tests/stream_expect.cmake
        rnnc_stream_expect(torch_stream_${case} ${dir} ${torch_args})
    endif()
endforeach()
