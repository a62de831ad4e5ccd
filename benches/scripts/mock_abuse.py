"""Issue 10's mock figures for the release binary (from the repository: python3
benches/scripts/mock_abuse.py): RSS after 40,000 replays of one signed request; signed probes
served while 1,100 idle clients reconnect as soon as they are dropped."""
import http.client, json, os, socket, subprocess, sys, threading, time

X = os.path.abspath(os.environ.get("X", "target/release/xsign"))
W = os.environ.get("WORK", "/tmp/xsign-mock-abuse")
os.makedirs(W, exist_ok=True)
os.chdir(W)
subprocess.run("openssl genrsa -out private.pem 2048 2>/dev/null && openssl rsa -in private.pem -pubout -out public.pem 2>/dev/null", shell=True, check=True)
API = "abuse-api-key-0123456789"
PORT = int(os.environ.get("PORT", "47921"))
extra = sys.argv[1:]
mock = subprocess.Popen([X, "mock", "--addr", f"127.0.0.1:{PORT}", "--pubkey", "public.pem", "--api-key", API] + extra,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1.0)

def rss():
    for line in open(f"/proc/{mock.pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

def signed(path="/api/v1/p/assets"):
    url = f"http://127.0.0.1:{PORT}{path}"
    out = subprocess.run([X, "sign", "--url", url, "--key", "private.pem", "--timestamp", str(int(time.time())), "--json"],
                         capture_output=True, check=True)
    h = json.loads(out.stdout)["headers"]
    h["x-api-key"] = API
    return path, h

print(f"mock {' '.join(extra) or '(defaults)'}: RSS at start {rss()} KiB")
path, h = signed()
c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
codes = {}
t0 = time.time()
for i in range(40000):
    c.request("GET", path, headers=h)
    r = c.getresponse(); r.read()
    codes[r.status] = codes.get(r.status, 0) + 1
el = time.time() - t0
print(f"40,000 replays in {el:.1f} s: statuses {codes}; RSS after {rss()} KiB")

# The same for a POST: the first creates a company, the replays are refused (1020 replay).
body = b'{"name":"Replay Ltd","city":"Paris","country":"FR","domain":"replay.example","ref":"replay-1"}'
open("body.json","wb").write(body)
url = f"http://127.0.0.1:{PORT}/api/v1/p/company"
out = subprocess.run([X, "sign", "-X", "POST", "--url", url, "--key", "private.pem", "-d", "body.json", "--timestamp", str(int(time.time())), "--json"], capture_output=True, check=True)
hp = json.loads(out.stdout)["headers"]; hp["x-api-key"] = API; hp["content-type"] = "application/json"
codes = {}
t0 = time.time()
for i in range(40000):
    c.request("POST", "/api/v1/p/company", body=body, headers=hp)
    r = c.getresponse(); r.read()
    codes[r.status] = codes.get(r.status, 0) + 1
print(f"40,000 POST replays in {time.time()-t0:.1f} s: statuses {codes}; RSS after {rss()} KiB")

# Flood: 1,100 idle clients that reconnect as soon as they are dropped.
stop = False
def idler():
    while not stop:
        try:
            s = socket.create_connection(("127.0.0.1", PORT), timeout=30)
            s.settimeout(30)
            while not stop:
                if not s.recv(1):
                    break
        except Exception:
            time.sleep(0.01)
threads = [threading.Thread(target=idler, daemon=True) for _ in range(1100)]
for t in threads: t.start()
time.sleep(3)
ok = 0; times = []
for i in range(7):
    p, hh = signed()
    t1 = time.time()
    try:
        cc = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        cc.request("GET", p, headers=hh); r = cc.getresponse(); r.read()
        if r.status == 200: ok += 1
        times.append(f"{r.status}:{time.time()-t1:.2f}s")
    except Exception as e:
        times.append(f"{type(e).__name__}:{time.time()-t1:.2f}s")
    time.sleep(1)
print(f"signed probes during a 1,100-client flood: {ok}/7 served ({', '.join(times)}); RSS {rss()} KiB")
stop = True
mock.kill()
