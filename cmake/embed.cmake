# Writes the bytes of IN as a NUL-terminated C array named NAME into OUT.
# Usage: cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed.cmake
file(READ "${IN}" _hex HEX)
string(LENGTH "${_hex}" _n)
math(EXPR _len "${_n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)"
       "\\1\n" _bytes "${_bytes}")
file(WRITE "${OUT}"
"/* Generated from ${IN} by cmake/embed.cmake; do not edit. */\n"
"#include <stddef.h>\n"
"__attribute__((visibility(\"hidden\"))) const char ${NAME}[] = {\n"
"${_bytes}0x00};\n"
"__attribute__((visibility(\"hidden\"))) const size_t ${NAME}_len = ${_len};\n")
