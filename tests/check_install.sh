#!/bin/sh
# check_install.sh SRC BUILD SANITIZE - install the build into a temporary
# DESTDIR, then compile, link and run a C and a C++ program against it using
# only `pkg-config --cflags --libs vcomm`.
set -eu
src=$1 build=$2 sanitize=${3:-none}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --no-rebuild --destdir "$dest" --quiet >/dev/null
pc=$(find "$dest" -name vcomm.pc | head -n 1)
[ -n "$pc" ] || { echo "vcomm.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$dest"
flags=""
[ "$sanitize" = none ] || flags="-fsanitize=$sanitize"
libdir=$(dirname "$(find "$dest" -name 'libvcomm.so.1' | head -n 1)")
cc $flags "$src/examples/c/consumer.c" -o "$dest/c_consumer" \
   $(pkg-config --cflags --libs vcomm)
c++ $flags "$src/examples/cpp/consumer.cpp" -o "$dest/cpp_consumer" \
   $(pkg-config --cflags --libs vcomm)
LD_LIBRARY_PATH="$libdir" "$dest/c_consumer"
LD_LIBRARY_PATH="$libdir" "$dest/cpp_consumer"
# the static library links too (with its private dependencies)
cc $flags "$src/examples/c/consumer.c" -o "$dest/c_static" \
   $(pkg-config --cflags vcomm) "$libdir/libvcomm.a" -lm -pthread
"$dest/c_static"
echo "installed copy usable through pkg-config from C and C++"
