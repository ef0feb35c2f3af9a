#!/usr/bin/env bash
# How soon a jgrad process reaches its steady speed (W3 and W1 in step blocks): ./bench/warmup.sh [--help]
exec /usr/bin/python3 "$(cd "$(dirname "$0")" && pwd)/warmup.py" "$@"
