#!/bin/bash
# Issue 10's figures for the release binary: eleven sends of a 100 MB body (the mock
# answers 413), the history's size and `history --limit 5` (time, peak RSS), and the peak RSS
# of each send. Usage (from the repository): cargo build --release && benches/scripts/send_memory.sh
set -u
X=$(realpath "${X:-target/release/xsign}")
W=${WORK:-/tmp/xsign-send-memory}; rm -rf $W; mkdir -p $W/cfg $W/data; cd $W
export XSIGN_CONFIG_DIR=$W/cfg XSIGN_DATA_DIR=$W/data
openssl genrsa -out private.pem 2048 2>/dev/null
openssl rsa -in private.pem -pubout -out public.pem 2>/dev/null
echo "meas-api-key-0123456789" > apikey
PORT=47911
$X mock --addr 127.0.0.1:$PORT --pubkey public.pem --api-key "$(cat apikey)" > mock.log 2>&1 &
MOCK=$!
sleep 1
head -c 100000000 /dev/urandom | base64 -w0 | head -c 100000000 > big
for i in $(seq 1 11); do
  /usr/bin/time -f "%M %e" -o t$i $X send POST http://127.0.0.1:$PORT/api/v1/p/company --key private.pem --api-key-file apikey -d big --max-body 200MiB > out$i 2>err$i
  echo "send $i: exit $? peak_rss_kib,wall_s $(cat t$i) $(head -c 80 out$i | tr '\n' ' ')"
done
echo "history dir: $(du -sb $W/data/history | cut -f1) bytes"
/usr/bin/time -f "history --limit 5: peak_rss_kib %M wall_s %e" $X history --limit 5 > hist.out
tail -n +1 hist.out | head -7
kill $MOCK
