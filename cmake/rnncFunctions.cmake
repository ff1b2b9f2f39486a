# rnncFunctions.cmake - compile ONNX models to C with rnnc as part of a CMake build.
#
# Included by the installed package (find_package(rnnc)) and by rnnc's own CMakeLists.txt,
# so the same calls work in an installed and in the source tree. It needs the targets
# rnnc::rnnc (the compiler, an executable) and rnnc::rnnrt (the runtime library).
#
#   rnnc_add_model(<target> MODEL <file.onnx> NAME <name>
#                  [DIMS <dim>=<n> ...] [SHAPES <input>=<d0>,<d1>,... ...]
#                  [CONSTS <input>=<v0>,<v1>,... ...]
#                  [UNROLL auto|none|full] [STREAM] [CHUNK <k>] [OUTPUT_DIR <dir>])
#
# At build time runs
#   rnnc compile <file.onnx> --name <name> -o <dir> [--dim <dim>=<n>]... [--shape ...]...
#                [--const <input>=<values>]... [--unroll ...] [--stream] [--chunk <k>]
# CONSTS binds graph inputs to constant values (e.g. Silero VAD's sr=16000): they leave the
# generated API, and an If they decide is folded to one branch.
# producing <dir>/<name>.c and <dir>/<name>.h (re-run when the model or rnnc changes).
# STREAM also emits the step API (<name>_reset, <name>_step); CHUNK <k> sets the time steps
# per <name>_step call (default 1) and implies STREAM.
# <dir> defaults to ${CMAKE_CURRENT_BINARY_DIR}/rnnc_<name>; a relative OUTPUT_DIR is relative
# to ${CMAKE_CURRENT_BINARY_DIR}, a relative MODEL to ${CMAKE_CURRENT_SOURCE_DIR}.
#
# - If <target> does not exist, it is created as a STATIC library holding the generated code,
#   with <dir> as PUBLIC include directory and a PUBLIC link to rnnc::rnnrt: link it and
#   #include "<name>.h".
# - If <target> exists (an executable or library created in the same directory), the
#   generated code is added to its sources, and <dir> and rnnc::rnnrt to its include
#   directories and link libraries (PRIVATE for executables and modules, PUBLIC for
#   libraries; this uses the keyword form of target_link_libraries()).
#
# Several models can go into one target under different NAMEs.
# A SHARED library target (add_library(<target> SHARED) first) gives a shared object that
# share/rnnc/python/rnnc.py can load: the runtime is position-independent.

include_guard(GLOBAL)

function(rnnc_add_model target)
    set(fn "rnnc_add_model(${target})")
    cmake_parse_arguments(PARSE_ARGV 1 ARG "STREAM" "MODEL;NAME;UNROLL;CHUNK;OUTPUT_DIR"
        "DIMS;SHAPES;CONSTS")
    if(ARG_UNPARSED_ARGUMENTS)
        string(REPLACE ";" " " unparsed "${ARG_UNPARSED_ARGUMENTS}")
        message(FATAL_ERROR "${fn}: unexpected arguments: ${unparsed} "
            "(takes MODEL, NAME, DIMS, SHAPES, CONSTS, UNROLL, STREAM, CHUNK, OUTPUT_DIR)")
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
    if(DEFINED ARG_CHUNK AND NOT ARG_CHUNK MATCHES "^[1-9][0-9]*$")
        message(FATAL_ERROR "${fn}: CHUNK must be a positive integer (time steps per "
            "${ARG_NAME}_step call), got '${ARG_CHUNK}'")
    endif()
    if(NOT TARGET rnnc::rnnc OR NOT TARGET rnnc::rnnrt)
        message(FATAL_ERROR "${fn}: the targets rnnc::rnnc and rnnc::rnnrt are not defined; "
            "call find_package(rnnc REQUIRED) first")
    endif()
    get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
    list(FIND languages C c_index)
    if(c_index LESS 0)
        message(FATAL_ERROR "${fn}: the generated code is C; enable the language C "
            "(project(... LANGUAGES C) or enable_language(C))")
    endif()

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
        target_sources(${target} PRIVATE "${src}" "${hdr}")
        target_include_directories(${target} ${visibility} "${dir}")
        target_link_libraries(${target} ${visibility} rnnc::rnnrt)
    else()
        add_library(${target} STATIC "${src}" "${hdr}")
        target_include_directories(${target} PUBLIC "${dir}")
        target_link_libraries(${target} PUBLIC rnnc::rnnrt)
        # the generated code is C99 (a newer standard set by the project is kept)
        target_compile_features(${target} PRIVATE c_std_99)
    endif()
endfunction()
