# Warnings and sanitizers for Graft's own targets. Third-party headers (Qt, HDF5, Eigen) are
# system headers and do not warn.
add_library(graft_compiler_options INTERFACE)
target_compile_options(graft_compiler_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
if(GRAFT_WERROR)
  target_compile_options(graft_compiler_options INTERFACE -Werror)
endif()

if(GRAFT_SANITIZE)
  add_compile_definitions(GRAFT_SANITIZED)  # for the few tests that must know (clang-14 has no __SANITIZE_ADDRESS__)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer targets (fuzz/): everything checked by ASan + UBSan; the core library and the fuzz
# targets are also instrumented for coverage (fuzz/CMakeLists.txt), and only the fuzz
# executables link libFuzzer's main. Needs clang.
if(GRAFT_FUZZ AND NOT GRAFT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
