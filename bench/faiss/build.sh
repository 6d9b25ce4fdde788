#!/usr/bin/env bash
# Builds the FAISS comparison harness. Needs Debian's libfaiss-dev (apt-get install -y libfaiss-dev).
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p ../out
g++ -O2 -std=c++17 -fopenmp multihash_bench.cpp -o ../out/faiss-multihash-bench -lfaiss -lblas -llapack
echo "built $(cd ../out && pwd)/faiss-multihash-bench"
