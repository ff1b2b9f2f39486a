# rnncFunctions.cmake - compile ONNX models to C with rnnc as part of a CMake build.
#
# Included by the installed package (find_package(rnnc)) and by rnnc's own CMakeLists.txt,
# so the same calls work in an installed and in the source tree. It needs the target
# rnnc::rnnc (the compiler, an executable), the target rnnc::rnnrt (the runtime library built
# with rnnc) where a model is to link it, and, set before it is included, rnnc_RUNTIME_DIR
# (the runtime's sources: include/rnnrt.h, src/).
#
#   rnnc_add_model(<target> MODEL <file.onnx> NAME <name>
#                  [DIMS <dim>=<n> ...] [SHAPES <input>=<d0>,<d1>,... ...]
#                  [CONSTS <input>=<v0>,<v1>,... ...]
#                  [UNROLL auto|none|full] [WEIGHTS f32|f16|bf16|i8] [STREAM | STEP_ONLY] [CHUNK <k>] [OUTPUT_DIR <dir>]
#                  [RUNTIME <rt>])
#
# At build time runs
#   rnnc compile <file.onnx> --name <name> -o <dir> [--dim <dim>=<n>]... [--shape ...]...
#                [--const <input>=<values>]... [--unroll ...] [--stream] [--chunk <k>]
# CONSTS binds graph inputs to constant values (e.g. Silero VAD's sr=16000): they leave the
# generated API, and an If they decide is folded to one branch.
# producing <dir>/<name>.c and <dir>/<name>.h (re-run when the model or rnnc changes).
# STREAM also emits the step API (<name>_reset, <name>_step); CHUNK <k> sets the time steps
# per <name>_step call (default 1) and implies STREAM. STEP_ONLY emits the step API alone (no
# <name>_run; rnnc --step-only): the context then holds one chunk's scratch and the state,
# whatever the sequence length, and models exported with one time step work.
# <dir> defaults to ${CMAKE_CURRENT_BINARY_DIR}/rnnc_<name>; a relative OUTPUT_DIR is relative
# to ${CMAKE_CURRENT_BINARY_DIR}, a relative MODEL to ${CMAKE_CURRENT_SOURCE_DIR}.
# RUNTIME <rt> is the runtime library the generated code links: a target defined before the
# call, typically made by rnnc_add_runtime(<rt>). It defaults to rnnc::rnnrt, the librnnrt.a
# installed with rnnc, which is built for the host: a cross build (CMAKE_CROSSCOMPILING) does
# not get it from the package and must pass RUNTIME.
#
# - If <target> does not exist, it is created as a STATIC library holding the generated code,
#   with <dir> as PUBLIC include directory and a PUBLIC link to the runtime: link it and
#   #include "<name>.h".
# - If <target> exists (an executable or library created in the same directory), the
#   generated code is added to its sources, and <dir> and the runtime to its include
#   directories and link libraries (PRIVATE for executables and modules, PUBLIC for
#   libraries; this uses the keyword form of target_link_libraries()).
#
# Several models can go into one target under different NAMEs; they must use one runtime.
#
#   rnnc_add_runtime(<rt> [PORTABLE])
#
# creates the STATIC library <rt> from the runtime's sources (${rnnc_RUNTIME_DIR}, installed
# under <prefix>/share/rnnc/runtime), compiled with this project's toolchain and flags: the
# runtime for a microcontroller, or for any target the installed librnnrt.a was not built
# for. PORTABLE (the default, and the only backend built from source) is the C GEMM backend:
# no OpenBLAS, nothing from the C library but memcpy/memset and float math (libm, linked as
# m). <rt> gets the PUBLIC include directory of rnnrt.h and is compiled as C99; pass it to
# rnnc_add_model(... RUNTIME <rt>). Example, with an arm-none-eabi toolchain file:
#
#   find_package(rnnc 0.1 REQUIRED)
#   rnnc_add_runtime(rt)
#   add_executable(fw.elf main.c startup.c)
#   rnnc_add_model(fw.elf MODEL kws.onnx NAME net DIMS batch=1 RUNTIME rt)
# A SHARED library target (add_library(<target> SHARED) first) gives a shared object that
# share/rnnc/python/rnnc.py can load: the runtime is position-independent.

include_guard(GLOBAL)

if(NOT DEFINED rnnc_RUNTIME_DIR OR NOT EXISTS "${rnnc_RUNTIME_DIR}/include/rnnrt.h")
    message(FATAL_ERROR "rnncFunctions.cmake: rnnc_RUNTIME_DIR ('${rnnc_RUNTIME_DIR}') must "
        "name the runtime's sources (include/rnnrt.h, src/) before this file is included; "
        "use find_package(rnnc) rather than including it")
endif()
# functions are called from any directory: keep the path where every scope sees it
set_property(GLOBAL PROPERTY RNNC_RUNTIME_DIR "${rnnc_RUNTIME_DIR}")

# the generated code and the runtime are C
function(_rnnc_require_c fn)
    get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
    list(FIND languages C c_index)
    if(c_index LESS 0)
        message(FATAL_ERROR "${fn}: the generated code and the runtime are C; enable the "
            "language C (project(... LANGUAGES C) or enable_language(C))")
    endif()
endfunction()

function(rnnc_add_runtime target)
    set(fn "rnnc_add_runtime(${target})")
    cmake_parse_arguments(PARSE_ARGV 1 ARG "PORTABLE" "" "")
    if(ARG_UNPARSED_ARGUMENTS)
        string(REPLACE ";" " " unparsed "${ARG_UNPARSED_ARGUMENTS}")
        message(FATAL_ERROR "${fn}: unexpected arguments: ${unparsed} (takes PORTABLE, the "
            "only backend built from source; the OpenBLAS backend is the installed "
            "rnnc::rnnrt, for the host rnnc was built on)")
    endif()
    if(TARGET ${target})
        message(FATAL_ERROR "${fn}: a target named ${target} already exists; "
            "rnnc_add_runtime() creates the library, pass a new name")
    endif()
    if(NOT target MATCHES "^[A-Za-z0-9_.+-]+$")
        message(FATAL_ERROR "${fn}: '${target}' is not a valid name for a new target")
    endif()
    _rnnc_require_c("${fn}")
    get_property(rt GLOBAL PROPERTY RNNC_RUNTIME_DIR)
    set(sources "${rt}/src/rnnrt.c" "${rt}/src/rnnrt_kernels.c" "${rt}/src/rnnrt_gemm_portable.c")
    foreach(file IN LISTS sources ITEMS "${rt}/src/rnnrt_internal.h")
        if(NOT EXISTS "${file}")
            message(FATAL_ERROR "${fn}: the runtime source ${file} is missing "
                "(an incomplete rnnc installation?)")
        endif()
    endforeach()
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC "${rt}/include" PRIVATE "${rt}/src")
    # rnnrt_gemm_portable.c requires it; rnnrt_backend() then returns "portable"
    target_compile_definitions(${target} PRIVATE RNNRT_PORTABLE)
    target_compile_features(${target} PRIVATE c_std_99)
    # expf/tanhf/... of the inline activations in rnnrt.h: libm on Unix and newlib
    if(NOT MSVC)
        target_link_libraries(${target} PUBLIC m)
    endif()
endfunction()

function(rnnc_add_model target)
    set(fn "rnnc_add_model(${target})")
    cmake_parse_arguments(PARSE_ARGV 1 ARG "STREAM;STEP_ONLY"
        "MODEL;NAME;UNROLL;WEIGHTS;CHUNK;OUTPUT_DIR;RUNTIME" "DIMS;SHAPES;CONSTS")
    if(ARG_UNPARSED_ARGUMENTS)
        string(REPLACE ";" " " unparsed "${ARG_UNPARSED_ARGUMENTS}")
        message(FATAL_ERROR "${fn}: unexpected arguments: ${unparsed} "
            "(takes MODEL, NAME, DIMS, SHAPES, CONSTS, UNROLL, WEIGHTS, STREAM, STEP_ONLY, CHUNK, OUTPUT_DIR, RUNTIME)")
    endif()
    if(ARG_KEYWORDS_MISSING_VALUES)
        message(FATAL_ERROR "${fn}: no value given for ${ARG_KEYWORDS_MISSING_VALUES}")
    endif()
    if(NOT DEFINED ARG_MODEL)
        message(FATAL_ERROR "${fn}: MODEL <file.onnx> is required")
    endif()
    if(NOT DEFINED ARG_NAME)
        message(FATAL_ERROR "${fn}: NAME <name> is required (the C identifier that prefixes "
            "the generated API and names <name>.c and <name>.h)")
    endif()
    if(NOT ARG_NAME MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
        message(FATAL_ERROR "${fn}: NAME '${ARG_NAME}' is not a C identifier")
    endif()
    if(DEFINED ARG_UNROLL AND NOT ARG_UNROLL MATCHES "^(auto|none|full)$")
        message(FATAL_ERROR "${fn}: UNROLL must be auto, none or full, got '${ARG_UNROLL}'")
    endif()
    if(DEFINED ARG_WEIGHTS AND NOT ARG_WEIGHTS MATCHES "^(f32|f16|bf16|i8)$")
        message(FATAL_ERROR "${fn}: WEIGHTS must be f32, f16, bf16 or i8, got '${ARG_WEIGHTS}'")
    endif()
    if(DEFINED ARG_CHUNK AND NOT ARG_CHUNK MATCHES "^[1-9][0-9]*$")
        message(FATAL_ERROR "${fn}: CHUNK must be a positive integer (time steps per "
            "${ARG_NAME}_step call), got '${ARG_CHUNK}'")
    endif()
    if(NOT TARGET rnnc::rnnc)
        message(FATAL_ERROR "${fn}: the target rnnc::rnnc is not defined; "
            "call find_package(rnnc REQUIRED) first")
    endif()
    if(DEFINED ARG_RUNTIME)
        set(runtime "${ARG_RUNTIME}")
        if(NOT TARGET ${runtime})
            message(FATAL_ERROR "${fn}: RUNTIME ${runtime} is not a target; create it first "
                "with rnnc_add_runtime(${runtime})")
        endif()
        get_target_property(runtime_type ${runtime} TYPE)
        if(NOT runtime_type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|OBJECT_LIBRARY|INTERFACE_LIBRARY|UNKNOWN_LIBRARY)$")
            message(FATAL_ERROR "${fn}: RUNTIME ${runtime} is a target of type "
                "${runtime_type}, not a library (made by rnnc_add_runtime(<rt>))")
        endif()
    elseif(TARGET rnnc::rnnrt)
        set(runtime rnnc::rnnrt)
    elseif(CMAKE_CROSSCOMPILING)
        message(FATAL_ERROR "${fn}: no RUNTIME given, and rnnc::rnnrt, the installed "
            "librnnrt.a, is built for the host and not provided to a cross build "
            "(CMAKE_CROSSCOMPILING). Build the runtime with this toolchain: "
            "rnnc_add_runtime(<rt>), then rnnc_add_model(${target} ... RUNTIME <rt>)")
    else()
        message(FATAL_ERROR "${fn}: no RUNTIME given and the target rnnc::rnnrt is not "
            "defined; call find_package(rnnc REQUIRED) first, or pass RUNTIME <rt> made "
            "by rnnc_add_runtime(<rt>)")
    endif()
    _rnnc_require_c("${fn}")

    set(options "")
    foreach(dim IN LISTS ARG_DIMS)
        if(NOT dim MATCHES "^[^=]+=[0-9]+$")
            message(FATAL_ERROR "${fn}: DIMS takes <dim>=<n>, got '${dim}'")
        endif()
        list(APPEND options --dim "${dim}")
    endforeach()
    foreach(shape IN LISTS ARG_SHAPES)
        if(NOT shape MATCHES "^[^=]+=[0-9]+(,[0-9]+)*$")
            message(FATAL_ERROR "${fn}: SHAPES takes <input>=<d0>,<d1>,..., got '${shape}'")
        endif()
        list(APPEND options --shape "${shape}")
    endforeach()
    foreach(value IN LISTS ARG_CONSTS)
        if(NOT value MATCHES "^[^=]+=[-+0-9.eE]+(,[-+0-9.eE]+)*$")
            message(FATAL_ERROR "${fn}: CONSTS takes <input>=<v0>,<v1>,..., got '${value}'")
        endif()
        list(APPEND options --const "${value}")
    endforeach()
    if(DEFINED ARG_UNROLL)
        list(APPEND options --unroll ${ARG_UNROLL})
    endif()
    if(DEFINED ARG_WEIGHTS)
        list(APPEND options --weights ${ARG_WEIGHTS})
    endif()
    if(ARG_STREAM AND ARG_STEP_ONLY)
        message(FATAL_ERROR "${fn}: give STREAM (run and step API) or STEP_ONLY (step API alone), "
            "not both")
    endif()
    if(ARG_STEP_ONLY)
        list(APPEND options --step-only)
    endif()
    if(ARG_STREAM)
        list(APPEND options --stream)
    endif()
    if(DEFINED ARG_CHUNK)
        list(APPEND options --chunk ${ARG_CHUNK})
    endif()

    get_filename_component(model "${ARG_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(DEFINED ARG_OUTPUT_DIR)
        get_filename_component(dir "${ARG_OUTPUT_DIR}" ABSOLUTE
            BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    else()
        set(dir "${CMAKE_CURRENT_BINARY_DIR}/rnnc_${ARG_NAME}")
    endif()
    set(src "${dir}/${ARG_NAME}.c")
    set(hdr "${dir}/${ARG_NAME}.h")

    # In the source tree rnnc::rnnc is an ALIAS of the target rnnc: use the real name, which
    # add_custom_command() turns into a build-order and a file dependency (for the imported
    # executable of the installed package it means its file).
    get_target_property(rnnc_target rnnc::rnnc ALIASED_TARGET)
    if(NOT rnnc_target)
        set(rnnc_target rnnc::rnnc)
    endif()
    add_custom_command(
        OUTPUT "${src}" "${hdr}"
        COMMAND "$<TARGET_FILE:${rnnc_target}>" compile "${model}" --name "${ARG_NAME}"
                -o "${dir}" ${options}
        DEPENDS "${model}" ${rnnc_target}
        COMMENT "rnnc: compiling ${ARG_MODEL} to ${ARG_NAME}.c"
        VERBATIM)

    if(TARGET ${target})
        get_target_property(aliased ${target} ALIASED_TARGET)
        if(aliased)
            set(target ${aliased})
        endif()
        get_target_property(imported ${target} IMPORTED)
        get_target_property(type ${target} TYPE)
        if(imported)
            message(FATAL_ERROR "${fn}: ${target} is an imported target; pass a target built "
                "here, or a new name to get a static library")
        endif()
        if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
            message(FATAL_ERROR "${fn}: ${target} is a target of type ${type}; pass an "
                "executable or a library with sources, or a new name to get a static library")
        endif()
        if(type MATCHES "^(EXECUTABLE|MODULE_LIBRARY)$")
            set(visibility PRIVATE)
        else()
            set(visibility PUBLIC)
        endif()
        # two runtimes in one target would define every rnnrt_* symbol twice
        get_target_property(previous ${target} RNNC_RUNTIME)
        if(previous AND NOT previous STREQUAL runtime)
            message(FATAL_ERROR "${fn}: ${target} already links the runtime ${previous} "
                "(an earlier rnnc_add_model); the models of one target must use one runtime, "
                "got ${runtime}")
        endif()
        set_target_properties(${target} PROPERTIES RNNC_RUNTIME "${runtime}")
        target_sources(${target} PRIVATE "${src}" "${hdr}")
        target_include_directories(${target} ${visibility} "${dir}")
        if(NOT previous)
            target_link_libraries(${target} ${visibility} ${runtime})
        endif()
    else()
        add_library(${target} STATIC "${src}" "${hdr}")
        set_target_properties(${target} PROPERTIES RNNC_RUNTIME "${runtime}")
        target_include_directories(${target} PUBLIC "${dir}")
        target_link_libraries(${target} PUBLIC ${runtime})
        # the generated code is C99 (a newer standard set by the project is kept)
        target_compile_features(${target} PRIVATE c_std_99)
    endif()
endfunction()
