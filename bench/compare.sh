#!/usr/bin/env bash
# jgrad vs PyTorch, alternating in one run, with ratios: ./bench/compare.sh [--help for options]
exec /usr/bin/python3 "$(cd "$(dirname "$0")" && pwd)/compare.py" "$@"
