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
