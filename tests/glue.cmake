# Glue-operator cases (tests/gen/gen_glue_cases.py -> testdata/glue, testdata/glue_bad).
# Included from tests/CMakeLists.txt.
#
#   glue_<case>, glue_<case>_unroll_none
#       rnnc check on testdata/glue/<case> (NumPy-reference expectations),
#       with the default and with --unroll none.
#   gluebad_<case>
#       rnnc compile testdata/glue_bad/<case>/model.onnx must fail through
#       tests/errors/expect_error.sh (exit status 1, one line of error output
#       naming the model file, no file written), and that line must match the
#       regex in testdata/glue_bad/<case>/expect.
get_filename_component(GLUE_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(GLUE_EXPECT_ERROR ${CMAKE_CURRENT_LIST_DIR}/errors/expect_error.sh)

# CONFIGURE_DEPENDS: new or removed case directories are picked up by the next build
file(GLOB GLUE_CASE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${GLUE_ROOT}/testdata/glue/*)
list(SORT GLUE_CASE_DIRS)
foreach(dir ${GLUE_CASE_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        add_test(NAME glue_${case}
            COMMAND $<TARGET_FILE:rnnc> check ${dir}/model.onnx ${dir}/test_data_set_0)
        add_test(NAME glue_${case}_unroll_none
            COMMAND $<TARGET_FILE:rnnc> check --unroll none ${dir}/model.onnx ${dir}/test_data_set_0)
    endif()
endforeach()

file(GLOB GLUE_BAD_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${GLUE_ROOT}/testdata/glue_bad/*)
list(SORT GLUE_BAD_DIRS)
foreach(dir ${GLUE_BAD_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/model.onnx)
        get_filename_component(case ${dir} NAME)
        if(NOT EXISTS ${dir}/expect)
            message(FATAL_ERROR "${dir}: missing the 'expect' file (regex for the error message)")
        endif()
        file(READ ${dir}/expect glue_expect)
        string(STRIP "${glue_expect}" glue_expect)
        if(glue_expect STREQUAL "" OR glue_expect MATCHES ";")
            message(FATAL_ERROR "${dir}/expect: must hold one non-empty regex without ';'")
        endif()
        # re-run cmake when the regex changes
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/expect)
        # expect_error.sh checks the exit status, the single line, the file name
        # (a fixed string) and that nothing was written; it echoes rnnc's stderr
        # as "stderr: ..." so the regex can be applied to that line here.
        add_test(NAME gluebad_${case}
            COMMAND sh ${GLUE_EXPECT_ERROR} $<TARGET_FILE:rnnc> ${dir}/model.onnx
                    "glue_bad/${case}/model.onnx: ")
        # With PASS_REGULAR_EXPRESSION ctest ignores the exit status, so the
        # script's own failures are caught by FAIL_REGULAR_EXPRESSION.
        set_tests_properties(gluebad_${case} PROPERTIES
            PASS_REGULAR_EXPRESSION "stderr: [^\n]*(${glue_expect})"
            FAIL_REGULAR_EXPRESSION "FAIL: (exit status|stderr lacks|expected exactly one line|files left behind)")
    endif()
endforeach()
