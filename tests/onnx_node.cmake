# ONNX's own backend node tests for the operators rnnc supports beside the recurrent ones
# (written by ../shared/onnx-node-tests.py from onnx 1.12's case generators, committed under
# testdata/onnx-node/). Included from tests/CMakeLists.txt.
#
#   node_<test>   rnnc check on testdata/onnx-node/<test>: the generated C (built with -Werror)
#                 and the reference interpreter against ONNX's expected outputs. Inputs the
#                 model needs at compile time (shapes, axes, pads given as graph inputs) are
#                 bound from the data set, as `rnnc check` does for any model.
get_filename_component(NODE_ROOT ${CMAKE_CURRENT_LIST_DIR}/../testdata/onnx-node ABSOLUTE)
file(GLOB NODE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${NODE_ROOT}/test_*)
list(SORT NODE_DIRS)
foreach(dir ${NODE_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        add_test(NAME node_${case}
            COMMAND $<TARGET_FILE:rnnc> check ${dir}/model.onnx ${dir}/test_data_set_0)
    endif()
endforeach()

# elem group: testdata/onnx-node-extra/ holds node tests in the same layout that onnx 1.12
# does not have (Gelu, Mish, double and integer elementwise ops, Clip with constant bounds),
# written by tests/gen/gen_elem_extra.py; node_extra_<case> runs rnnc check on each.
get_filename_component(NODE_EXTRA_ROOT ${CMAKE_CURRENT_LIST_DIR}/../testdata/onnx-node-extra
                       ABSOLUTE)
file(GLOB NODE_EXTRA_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${NODE_EXTRA_ROOT}/test_*)
list(SORT NODE_EXTRA_DIRS)
foreach(dir ${NODE_EXTRA_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        string(REGEX REPLACE "^test_" "" case ${case})
        add_test(NAME node_extra_${case}
            COMMAND $<TARGET_FILE:rnnc> check ${dir}/model.onnx ${dir}/test_data_set_0)
    endif()
endforeach()

# elem group: testdata/onnx-node-extra-bad/<case>/model.onnx must be refused (exit status 1,
# one error line naming the model, nothing written: tests/errors/expect_error.sh) with a line
# matching the regex in <case>/expect; ctest node_extra_bad_<case>.
file(GLOB NODE_EXTRA_BAD_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS
     ${NODE_EXTRA_ROOT}-bad/*)
list(SORT NODE_EXTRA_BAD_DIRS)
foreach(dir ${NODE_EXTRA_BAD_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        file(READ ${dir}/expect node_expect)
        string(STRIP "${node_expect}" node_expect)
        if(node_expect STREQUAL "" OR node_expect MATCHES ";")
            message(FATAL_ERROR "${dir}/expect: must hold one non-empty regex without ';'")
        endif()
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/expect)
        add_test(NAME node_extra_bad_${case}
            COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/errors/expect_error.sh $<TARGET_FILE:rnnc>
                    ${dir}/model.onnx "onnx-node-extra-bad/${case}/model.onnx: ")
        set_tests_properties(node_extra_bad_${case} PROPERTIES
            PASS_REGULAR_EXPRESSION "stderr: [^\n]*(${node_expect})"
            FAIL_REGULAR_EXPRESSION "FAIL: (exit status|stderr lacks|expected exactly one line|files left behind)")
    endif()
endforeach()

# What the passes did, in `rnnc info`'s node list (tests/gen/gen_conv_cases.py's cases):
# - BatchNormalization folding: a foldable one (constant parameters after a Conv/Gemm/2-D
#   MatMul with constant weights and no other reader) is gone; one that must stay is there;
# - activation fusion: a Relu/Sigmoid/Tanh that alone reads a Conv's output is applied by the
#   Conv ("(+Relu fused)"); not when the output is read elsewhere too.
# node_extra_<case> above checks the values of all of them.
foreach(dir ${NODE_EXTRA_DIRS})
    get_filename_component(case ${dir} NAME)
    string(REGEX REPLACE "^test_" "" case ${case})
    if(case MATCHES "^bn_fold_")
        set(ir_prop FAIL_REGULAR_EXPRESSION "node [0-9]+: +BatchNormalization")
    elseif(case MATCHES "^bn_nofold_")
        set(ir_prop PASS_REGULAR_EXPRESSION "node [0-9]+: +BatchNormalization")
    elseif(case MATCHES "^conv_act_fused_")
        set(ir_prop PASS_REGULAR_EXPRESSION "node 0: +Conv 'conv' [(][+](Relu|Sigmoid|Tanh) fused[)]")
    elseif(case MATCHES "^conv_act_not_fused_")
        set(ir_prop FAIL_REGULAR_EXPRESSION "[(][+][A-Za-z]+ fused[)]")
    else()
        continue()
    endif()
    add_test(NAME node_extra_${case}_ir COMMAND $<TARGET_FILE:rnnc> info ${dir}/model.onnx)
    set_tests_properties(node_extra_${case}_ir PROPERTIES ${ir_prop})
endforeach()
