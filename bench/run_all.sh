#!/bin/sh
# Runs every benchmark in sequence (one heavy run at a time: the machine has two cores).
# The peer goes first so the ingest run can print its ratios; all output lands in
# bench/.work/run_all.log and the figures in bench/.work/results/*.json.
set -eu
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p bench/.work
{
    $PY bench/peer_helpdesk.py -n 2000 --list-size 100000
    $PY bench/ingest.py --db sqlite --db postgres -n 2000
    $PY bench/list_latency.py --db sqlite --db postgres -n 100
    $PY bench/email_ingest.py --db sqlite --db postgres --autoreply both --paced 5
    $PY bench/email_quotes.py --setup-peers
    $PY bench/nlp_quality.py
    $PY bench/nlp_speed.py -n 20000
    $PY bench/kb_quality.py --db sqlite --db postgres
    $PY bench/search_latency.py --db sqlite --db postgres
    $PY bench/chat_latency.py --mode embedded --mode scaled
    $PY bench/commerce.py --db sqlite --db postgres -n 2000 --orders 100000
} 2>&1 | tee bench/.work/run_all.log
