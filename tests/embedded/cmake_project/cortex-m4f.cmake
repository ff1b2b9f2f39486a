# cortex-m4f.cmake - CMake toolchain file: bare-metal Cortex-M4F with hard float
# (arm-none-eabi-gcc + newlib), as a firmware project would have one. Used by
# run_package_test.sh for cmake_project/ (-DCMAKE_TOOLCHAIN_FILE=.../cortex-m4f.cmake).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

# -DCMAKE_C_COMPILER=... overrides
if(NOT CMAKE_C_COMPILER)
    set(CMAKE_C_COMPILER arm-none-eabi-gcc)
endif()
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
# no startup code or linker script for CMake's compiler checks: test a static library
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# programs from the host, libraries, headers and packages from the target's root (the
# toolchain's own; no CMAKE_FIND_ROOT_PATH is set, so the host package rnnc is found on
# CMAKE_PREFIX_PATH; a toolchain file that sets one passes -Drnnc_DIR=<prefix>/lib/cmake/rnnc)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
