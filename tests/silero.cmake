# Silero VAD v5 (testdata/silero): four single-call data sets of ONNX Runtime's outputs through
# `rnnc check` (generated code and interpreter), with the sample rate bound at compile time as
# users do (--const sr=16000: every If folds to its 16 kHz branch) and, without it, bound from
# the data set by check itself. The frame-by-frame run over the whole recording is
# examples/vad's test (example_vad_probs, example_vad_segments).
set(SILERO ${CMAKE_SOURCE_DIR}/testdata/silero)
foreach(frame 0 30 200 400)
    add_test(NAME silero_frame${frame}
        COMMAND $<TARGET_FILE:rnnc> check --const sr=16000 ${SILERO}/silero_vad_v5.onnx
                ${SILERO}/frame_${frame}/test_data_set_0 --atol 1e-4 --rtol 1e-3)
endforeach()
add_test(NAME silero_frame30_sr_from_data
    COMMAND $<TARGET_FILE:rnnc> check ${SILERO}/silero_vad_v5.onnx
            ${SILERO}/frame_30/test_data_set_0 --atol 1e-4 --rtol 1e-3)
# on the Cortex-M4F (QEMU mps2-an386): 16 kHz bound at compile time, ONNX Runtime's frame 30,
# and rnnc info --target cortex-m4's footprint against the measured one (run_qemu_test.sh)
if(COMMAND rnnc_embedded_test)
    rnnc_embedded_test(silero ${SILERO}/silero_vad_v5.onnx ${SILERO}/frame_30_bound/test_data_set_0
        --const sr=16000 --shape input=1,576 --shape state=2,1,128)
endif()
# Silero VAD v4 (testdata/silero/v4: the package's silero_vad_legacy.onnx, another exporter and
# another interface: 512 samples, h and c): single-call data sets of ONNX Runtime's outputs with
# the state ONNX Runtime carried to each frame, sr bound from the data and at compile time.
# (v6, the same interface as v5, runs the whole recording in examples/vad: example_vad_v6_*.)
foreach(frame 0 30 200 400)
    add_test(NAME silero_v4_frame${frame}
        COMMAND $<TARGET_FILE:rnnc> check ${SILERO}/v4/silero_vad_legacy.onnx
                ${SILERO}/v4/frame_${frame}/test_data_set_0 --atol 1e-4 --rtol 1e-3)
    add_test(NAME silero_v4_frame${frame}_const_sr
        COMMAND $<TARGET_FILE:rnnc> check --const sr=16000 ${SILERO}/v4/silero_vad_legacy.onnx
                ${SILERO}/v4/frame_${frame}/test_data_set_0 --atol 1e-4 --rtol 1e-3)
endforeach()
