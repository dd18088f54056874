// Credit commands over a node's HTTP API (docs/api.md): borrower checks (lookup,
// subject), reporting an event through the node's member key (report-event), the
// node's watchlist (watch add|remove|list) and its alert stream (alerts).
//
// Every command takes --node http://HOST:PORT and --token T (a bearer token with the
// role the endpoint needs), prints the node's JSON answer on stdout and exits 0 on
// a 2xx answer; otherwise it prints "creditctl <cmd>: HTTP <status>: <body>" on
// stderr and exits 1. A raw ID given as "--id -" is read from stdin, so it stays out
// of the process list and shell history; it is sent only to the node's lookup
// endpoint, which hashes it at once.
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "cli/command.h"
#include "cli/http_client.h"
#include "cli/tx_builder.h"
#include "common/hex.h"
#include "wire/credit_json.h"

namespace cc::cli {
namespace {

using nlohmann::json;

struct Target {
  HttpUrl url;
  std::string token;
};

Result<Target> NodeTarget(const Args& args) {
  auto node = args.Require("node");
  if (!node.ok()) return node.status();
  auto url = ParseHttpUrl(*node);
  if (!url.ok()) return url.status();
  auto token = args.Require("token");
  if (!token.ok()) return token.status();
  return Target{*url, *token};
}

Status NoPositional(const Args& args) {
  if (!args.positional().empty())
    return Status::Error("usage", "unexpected argument '" + args.positional()[0] + "'");
  return Status::Ok();
}

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Sends one request and reports the answer as the header describes.
int Call(const std::string& cmd, const Target& t, const std::string& method, const std::string& path,
         const std::string& body = "") {
  HttpClient client(t.url.host, t.url.port, std::chrono::milliseconds(70'000));
  auto resp = client.Send(method, t.url.path + path, t.token, body);
  if (!resp.ok()) return ReportError(cmd, resp.status());
  if (resp->status / 100 != 2) {
    std::cerr << "creditctl " << cmd << ": HTTP " << resp->status << ": " << resp->body
              << (resp->body.empty() || resp->body.back() != '\n' ? "\n" : "");
    return kExitFailure;
  }
  std::cout << resp->body << (resp->body.empty() || resp->body.back() != '\n' ? "\n" : "");
  return kExitOk;
}

Result<std::string> SubjectKeyArg(const Args& args, const std::string& flag) {
  auto key = args.Require(flag);
  if (!key.ok()) return key.status();
  if (!FromHexSized(*key, 32)) return Status::Error("usage", "--" + flag + ": expected 64 hex characters");
  return *key;
}

int Lookup(const Args& args) {
  constexpr const char* kCmd = "lookup";
  auto t = NodeTarget(args);
  if (!t.ok()) return ReportError(kCmd, t.status());
  if (Status s = NoPositional(args); !s.ok()) return ReportError(kCmd, s);
  auto id_type = args.Require("id-type");
  if (!id_type.ok()) return ReportError(kCmd, id_type.status());
  auto id = args.Require("id");
  if (!id.ok()) return ReportError(kCmd, id.status());
  auto purpose = args.Require("purpose");
  if (!purpose.ok()) return ReportError(kCmd, purpose.status());
  auto auth = args.Require("authorization-ref");
  if (!auth.ok()) return ReportError(kCmd, auth.status());
  std::string raw_id = *id;
  if (raw_id == "-") {
    if (!std::getline(std::cin, raw_id))
      return ReportError(kCmd, Status::Error("usage", "--id -: nothing on stdin"));
    while (!raw_id.empty() && (raw_id.back() == '\r' || raw_id.back() == '\n')) raw_id.pop_back();
  }
  json body{{"id_type", *id_type}, {"id", raw_id}, {"purpose", *purpose}, {"authorization_ref", *auth}};
  if (args.Has("proofs")) body["proofs"] = true;
  return Call(kCmd, *t, "POST", "/v1/subjects/lookup", body.dump());
}

int Subject(const Args& args) {
  constexpr const char* kCmd = "subject";
  auto t = NodeTarget(args);
  if (!t.ok()) return ReportError(kCmd, t.status());
  if (Status s = NoPositional(args); !s.ok()) return ReportError(kCmd, s);
  auto key = SubjectKeyArg(args, "key");
  if (!key.ok()) return ReportError(kCmd, key.status());
  auto purpose = args.Require("purpose");
  if (!purpose.ok()) return ReportError(kCmd, purpose.status());
  auto auth = args.Require("authorization-ref");
  if (!auth.ok()) return ReportError(kCmd, auth.status());
  std::string path =
      "/v1/subjects/" + *key + "?purpose=" + UrlEncode(*purpose) + "&authorization_ref=" + UrlEncode(*auth);
  if (args.Has("proofs")) path += "&proofs=true";
  return Call(kCmd, *t, "GET", path);
}

int ReportEvent(const Args& args) {
  constexpr const char* kCmd = "report-event";
  auto t = NodeTarget(args);
  if (!t.ok()) return ReportError(kCmd, t.status());
  if (Status s = NoPositional(args); !s.ok()) return ReportError(kCmd, s);
  auto key = SubjectKeyArg(args, "subject-key");
  if (!key.ok()) return ReportError(kCmd, key.status());
  auto event = args.Require("event");
  if (!event.ok()) return ReportError(kCmd, event.status());
  if (auto type = ParseEventType(*event); !type.ok()) return ReportError(kCmd, type.status());
  auto loan = args.Require("loan-ref");
  if (!loan.ok()) return ReportError(kCmd, loan.status());
  auto amount = args.Require("amount");
  if (!amount.ok()) return ReportError(kCmd, amount.status());
  uint64_t minor = 0;
  bool ok = !amount->empty() && amount->size() <= 19;
  for (char c : *amount) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) minor = minor * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok) return ReportError(kCmd, Status::Error("usage", "--amount: expected minor units, e.g. 100000"));
  std::string date;
  if (auto d = args.Get("date")) {
    if (auto parsed = ParseDate(*d); !parsed.ok()) return ReportError(kCmd, parsed.status());
    date = *d;
  } else {
    date = wire::FormatDate(NowMs() / kMsPerDay);
  }
  auto record = args.Require("record-hash");
  if (!record.ok()) return ReportError(kCmd, record.status());
  auto record_hash = HashOrHex(*record);
  if (!record_hash.ok()) return ReportError(kCmd, record_hash.status());
  json body{{"subject_key", *key},
            {"event_type", *event},
            {"loan_ref", *loan},
            {"amount_minor", minor},
            {"currency", args.Get("currency").value_or("CNY")},
            {"event_date", date},
            {"record_hash", ToHex(*record_hash)}};
  return Call(kCmd, *t, "POST", args.Has("wait") ? "/v1/events?wait=commit" : "/v1/events", body.dump());
}

int WatchAdd(const Args& args) {
  constexpr const char* kCmd = "watch add";
  auto t = NodeTarget(args);
  if (!t.ok()) return ReportError(kCmd, t.status());
  if (Status s = NoPositional(args); !s.ok()) return ReportError(kCmd, s);
  auto key = SubjectKeyArg(args, "key");
  if (!key.ok()) return ReportError(kCmd, key.status());
  json body{{"note", args.Get("note").value_or("")}};
  return Call(kCmd, *t, "PUT", "/v1/watchlist/" + *key, body.dump());
}

int WatchRemove(const Args& args) {
  constexpr const char* kCmd = "watch remove";
  auto t = NodeTarget(args);
  if (!t.ok()) return ReportError(kCmd, t.status());
  if (Status s = NoPositional(args); !s.ok()) return ReportError(kCmd, s);
  auto key = SubjectKeyArg(args, "key");
  if (!key.ok()) return ReportError(kCmd, key.status());
  return Call(kCmd, *t, "DELETE", "/v1/watchlist/" + *key);
}

int WatchList(const Args& args) {
  constexpr const char* kCmd = "watch list";
  auto t = NodeTarget(args);
  if (!t.ok()) return ReportError(kCmd, t.status());
  if (Status s = NoPositional(args); !s.ok()) return ReportError(kCmd, s);
  std::string path = "/v1/watchlist?limit=" + UrlEncode(args.Get("limit").value_or("100"));
  if (auto after = args.Get("after")) path += "&after=" + UrlEncode(*after);
  return Call(kCmd, *t, "GET", path);
}

// ---- alerts: a Server-Sent Events reader over a plain socket.

class SseReader {
 public:
  ~SseReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Connects and sends the request; reads the status line and headers. Returns the
  // HTTP status (the error body, if any, in *error_body).
  Result<int> Open(const Target& t, std::optional<uint64_t> last_id, std::string* error_body,
                   std::chrono::steady_clock::time_point deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(t.url.host.c_str(), std::to_string(t.url.port).c_str(), &hints, &found) != 0) {
      return Status::Error("connect", "cannot resolve " + t.url.host);
    }
    fd_ = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
    const int rc = fd_ < 0 ? -1 : ::connect(fd_, found->ai_addr, found->ai_addrlen);
    ::freeaddrinfo(found);
    if (rc != 0)
      return Status::Error("connect", "cannot connect to " + t.url.host + ":" + std::to_string(t.url.port));
    std::string req = "GET " + t.url.path + "/v1/alerts/stream HTTP/1.1\r\nHost: " + t.url.host +
                      "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + t.token + "\r\n";
    if (last_id) req += "Last-Event-ID: " + std::to_string(*last_id) + "\r\n";
    req += "\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
      return Status::Error("io", "cannot send the request");
    }
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return Status::Error("io", "no answer from the node");
    }
    const std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return Status::Error("protocol", "not HTTP");
    const int status = std::atoi(head.c_str() + 9);
    if (status != 200) {
      while (Fill(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(2)))) {
      }
      *error_body = buffer_;
    }
    return status;
  }

  // The next event ("event" type, "id", "data"), or nullopt on disconnect/deadline.
  struct Event {
    std::string type = "message";
    std::string id;
    std::string data;
  };
  std::optional<Event> Next(std::chrono::steady_clock::time_point deadline) {
    Event e;
    bool any = false;
    for (;;) {
      size_t nl;
      while ((nl = buffer_.find('\n')) == std::string::npos) {
        if (!Fill(deadline)) return std::nullopt;
      }
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
        if (any) return e;
        continue;
      }
      if (line[0] == ':') continue;  // keep-alive comment
      const size_t colon = line.find(':');
      std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      any = true;
      if (field == "event") e.type = value;
      if (field == "id") e.id = value;
      if (field == "data") e.data += (e.data.empty() ? "" : "\n") + value;
    }
  }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1'000'000)));
    if (r <= 0) return r < 0 && errno == EINTR ? Fill(deadline) : false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
};

int Alerts(const Args& args) {
  constexpr const char* kCmd = "alerts";
  auto t = NodeTarget(args);
  if (!t.ok()) return ReportError(kCmd, t.status());
  if (Status s = NoPositional(args); !s.ok()) return ReportError(kCmd, s);
  auto number = [&](const std::string& flag) -> Result<std::optional<uint64_t>> {
    auto v = args.Get(flag);
    if (!v) return std::optional<uint64_t>();
    uint64_t n = 0;
    bool ok = !v->empty() && v->size() <= 19;
    for (char c : *v) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if (!ok) return Status::Error("usage", "--" + flag + ": expected a non-negative integer");
    return std::optional<uint64_t>(n);
  };
  auto last = number("last-event-id");
  if (!last.ok()) return ReportError(kCmd, last.status());
  auto count = number("count");
  if (!count.ok()) return ReportError(kCmd, count.status());
  auto timeout = number("timeout");
  if (!timeout.ok()) return ReportError(kCmd, timeout.status());
  const auto deadline = *timeout ? std::chrono::steady_clock::now() + std::chrono::seconds(**timeout)
                                 : std::chrono::steady_clock::time_point::max();
  std::optional<uint64_t> last_id = *last;
  uint64_t received = 0;
  // Follows the stream; after a disconnect, reconnects and resumes after the last id.
  while (std::chrono::steady_clock::now() < deadline) {
    SseReader reader;
    std::string error_body;
    auto status = reader.Open(*t, last_id, &error_body, deadline);
    if (!status.ok()) {
      std::cerr << "creditctl alerts: " << status.status().ToString() << "; retrying\n";
    } else if (*status != 200) {
      std::cerr << "creditctl alerts: HTTP " << *status << ": " << error_body << "\n";
      return kExitFailure;
    } else {
      while (auto e = reader.Next(deadline)) {
        if (e->type == "gap") {
          std::cerr << "creditctl alerts: alerts may have been missed: " << e->data << "\n";
          continue;
        }
        std::cout << e->data << "\n" << std::flush;
        if (!e->id.empty()) last_id = std::strtoull(e->id.c_str(), nullptr, 10);
        if (*count && ++received >= **count) return kExitOk;
      }
    }
    if (std::chrono::steady_clock::now() + std::chrono::seconds(1) >= deadline) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (*count) {
    std::cerr << "creditctl alerts: timed out after " << received << " of " << **count << " alert(s)\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> CreditCommands() {
  const std::set<std::string> node_flags = {"node", "token"};
  auto flags = [&](std::set<std::string> valued, std::set<std::string> switches = {}) {
    valued.insert(node_flags.begin(), node_flags.end());
    return FlagSpec{std::move(valued), std::move(switches)};
  };
  return {
      {"lookup", "--node URL --token T --id-type TYPE --id ID|- --purpose P --authorization-ref R [--proofs]",
       "borrower check by raw ID (POST /v1/subjects/lookup; token role reader): TYPE is cn_resident_id, "
       "cn_uscc, passport or phone; '--id -' reads the ID from stdin; P is loan_application, "
       "post_loan_monitoring, dispute_handling or regulator_audit; R is the consent reference (hashed unless "
       "64 hex); the query is recorded on the ledger. Prints the subject report; --proofs adds each event's "
       "and entry's proof",
       flags({"id-type", "id", "purpose", "authorization-ref"}, {"proofs"}), Lookup},
      {"subject", "--node URL --token T --key HEX --purpose P --authorization-ref R [--proofs]",
       "borrower check by subject key (GET /v1/subjects/{key}; token role reader); recorded like lookup",
       flags({"key", "purpose", "authorization-ref"}, {"proofs"}), Subject},
      {"report-event",
       "--node URL --token T --subject-key HEX --event TYPE --loan-ref REF --amount MINOR [--currency CNY] "
       "[--date YYYY-MM-DD] --record-hash HEX|TEXT [--wait]",
       "report a credit event signed by the node's member key (POST /v1/events; token role writer); a TEXT "
       "record is hashed with BLAKE2b-256, the date defaults to today (UTC); --wait waits for the commit and "
       "prints the proof",
       flags({"subject-key", "event", "loan-ref", "amount", "currency", "date", "record-hash"}, {"wait"}),
       ReportEvent},
      {"watch add", "--node URL --token T --key HEX [--note TEXT]",
       "watch a subject key on this node (PUT /v1/watchlist/{key}; node-local, never on the ledger)",
       flags({"key", "note"}), WatchAdd},
      {"watch remove", "--node URL --token T --key HEX",
       "stop watching a subject key (DELETE /v1/watchlist/{key})", flags({"key"}), WatchRemove},
      {"watch list", "--node URL --token T [--after HEX] [--limit N]", "list the watched subject keys",
       flags({"after", "limit"}), WatchList},
      {"alerts", "--node URL --token T [--last-event-id N] [--count N] [--timeout SECONDS]",
       "follow the node's alert stream (GET /v1/alerts/stream), one alert JSON per line; reconnects and "
       "resumes after the last alert; stops after --count alerts (exit 0) or at --timeout (exit 1 if "
       "--count alerts did not arrive)",
       flags({"last-event-id", "count", "timeout"}), Alerts},
  };
}

}  // namespace cc::cli
