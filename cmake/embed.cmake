# embed_files(TARGET NAMESPACE_FN BASE_DIR FILES...) compiles the files into the binary so the server is
# one self-contained executable: a generated function returns the content of a file by relative path.
function(embed_files target fn base_dir)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cc")
  string(REPLACE ";" "|" files "${ARGN}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFN=${fn} -DBASE=${base_dir} "-DFILES=${files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${ARGN} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding files for ${target}"
    VERBATIM)
  add_library(${target} STATIC "${out}")
endfunction()
