# --weights f16|bf16|i8 (compiler/quant.c, the runtime's rnnrt_pgemm_<dtype>). Included from
# tests/CMakeLists.txt; the data is tests/gen/gen_prec.py's (testdata/prec, testdata/prec_bad).
#
#   prec_<case>_<prec>
#       rnnc check --weights <prec> on testdata/prec/<case>/<prec>: the expected outputs are
#       ONNX Runtime's on the model with its weights rounded by NumPy (an implementation that
#       shares nothing with rnnc's), at check's default tolerances; f32 is the model as it is.
#   prec_readout_<op>_<prec>
#       the same at --atol 0 --rtol 0 for products whose input is an identity matrix: each
#       weight as the generated code holds it equals NumPy's rounding of the fp32 one, bit for
#       bit (ties to even, subnormals, 65504, an all-zero i8 row).
#   prec_<case>_<prec>_unroll_none, prec_lstm_mlp_<prec>_stream
#       the same through --unroll none and through the step API (--stream --chunk 2).
#   prec_interp_<model>
#       every PyTorch export of testdata/torch and testdata/torch_patterns at one precision
#       (f16, bf16, i8 in turn): the generated code against the interpreter on the model's
#       inputs (tests/prec/check_vs_interp.sh), both with the same rounded weights.
#   prec_onnx_<case>_<prec>
#       the 18 ONNX backend vectors with W and R bound as constants, generated code against
#       the interpreter at each precision.
#   precbad_<case>
#       weights a precision cannot hold (beyond float16/bfloat16's range, Inf/NaN at i8):
#       refused with the node, the rule and the value (tests/errors/expect_error.sh).
#   prec_usage
#       --weights f8: a usage error (exit 2).
set(PREC_ROOT ${CMAKE_SOURCE_DIR}/testdata/prec)
file(GLOB PREC_CASE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${PREC_ROOT}/*)
list(SORT PREC_CASE_DIRS)
foreach(dir ${PREC_CASE_DIRS})
    if(NOT IS_DIRECTORY ${dir} OR NOT EXISTS ${dir}/model.onnx)
        continue()
    endif()
    get_filename_component(case ${dir} NAME)
    foreach(prec f32 f16 bf16 i8)
        set(tol "")
        if(case MATCHES "^readout_")
            set(tol --atol 0 --rtol 0)
        endif()
        add_test(NAME prec_${case}_${prec}
            COMMAND $<TARGET_FILE:rnnc> check --weights ${prec} ${tol} ${dir}/model.onnx
                    ${dir}/${prec})
        if(NOT case MATCHES "^readout_")
            add_test(NAME prec_${case}_${prec}_unroll_none
                COMMAND $<TARGET_FILE:rnnc> check --weights ${prec} --unroll none
                        ${dir}/model.onnx ${dir}/${prec})
        endif()
    endforeach()
endforeach()
foreach(prec f16 bf16 i8)
    add_test(NAME prec_lstm_mlp_${prec}_stream
        COMMAND $<TARGET_FILE:rnnc> check --weights ${prec} --stream --chunk 2
                ${PREC_ROOT}/lstm_mlp/model.onnx ${PREC_ROOT}/lstm_mlp/${prec})
endforeach()

file(GLOB PREC_TORCH_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS
    ${CMAKE_SOURCE_DIR}/testdata/torch/* ${CMAKE_SOURCE_DIR}/testdata/torch_patterns/*)
list(SORT PREC_TORCH_DIRS)
set(prec_i 0)
set(PREC_CYCLE f16 bf16 i8)
foreach(dir ${PREC_TORCH_DIRS})
    if(NOT IS_DIRECTORY ${dir} OR NOT EXISTS ${dir}/model.onnx)
        continue()
    endif()
    get_filename_component(case ${dir} NAME)
    math(EXPR prec_k "${prec_i} % 3")
    list(GET PREC_CYCLE ${prec_k} prec)
    math(EXPR prec_i "${prec_i} + 1")
    set(args "")
    if(EXISTS ${dir}/rnnc_args)
        file(READ ${dir}/rnnc_args args)
        string(STRIP "${args}" args)
        separate_arguments(args UNIX_COMMAND "${args}")
    endif()
    add_test(NAME prec_interp_${case}_${prec}
        COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/prec/check_vs_interp.sh $<TARGET_FILE:rnnc>
                ${dir}/model.onnx ${dir}/test_data_set_0 ${prec} ${args})
endforeach()

file(GLOB PREC_BAD_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${PREC_ROOT}_bad/*)
list(SORT PREC_BAD_DIRS)
foreach(dir ${PREC_BAD_DIRS})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/expect)
        get_filename_component(case ${dir} NAME)
        file(STRINGS ${dir}/expect expect LIMIT_COUNT 1)
        file(STRINGS ${dir}/weights prec LIMIT_COUNT 1)
        add_test(NAME precbad_${case}
            COMMAND env "RNNC_EXTRA_ARGS=--weights ${prec}" sh
                    ${CMAKE_CURRENT_SOURCE_DIR}/errors/expect_error.sh $<TARGET_FILE:rnnc>
                    ${dir}/model.onnx "${expect}")
    endif()
endforeach()
add_test(NAME prec_usage
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/errors/expect_status.sh 2
            "--weights 'f8': takes f32, f16, bf16 or i8"
            $<TARGET_FILE:rnnc> compile ${PREC_ROOT}/lstm_mlp/model.onnx -o unused --weights f8)

# the 18 ONNX backend vectors with W and R bound to constants (--const: they are graph inputs
# there, which --weights leaves alone), at each precision: generated code against the
# interpreter, both with the rounded weights
file(GLOB PREC_ONNX_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS
    ${CMAKE_SOURCE_DIR}/testdata/onnx-backend-node/test_*)
list(SORT PREC_ONNX_DIRS)
foreach(dir ${PREC_ONNX_DIRS})
    if(NOT EXISTS ${dir}/model.onnx)
        continue()
    endif()
    get_filename_component(case ${dir} NAME)
    foreach(prec f16 bf16 i8)
        add_test(NAME prec_onnx_${case}_${prec}
            COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/prec/check_vs_interp.sh $<TARGET_FILE:rnnc>
                    ${dir}/model.onnx ${dir}/test_data_set_0 ${prec}
                    --const W=${dir}/test_data_set_0/input_1.pb
                    --const R=${dir}/test_data_set_0/input_2.pb)
    endforeach()
endforeach()
