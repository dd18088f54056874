#include "cli/http_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cc::cli {

namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 256u << 20;

bool IEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

bool ParseDecimal(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

bool ParseHexSize(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 15) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return false;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(const std::string& text) {
  std::string rest = text;
  if (rest.rfind("http://", 0) == 0) {
    rest = rest.substr(7);
  } else if (rest.find("://") != std::string::npos) {
    return Status::Error("usage", "'" + text + "': only http:// URLs are supported");
  }
  HttpUrl url;
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    url.path = rest.substr(slash);
    rest.resize(slash);
  }
  std::string port;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) return Status::Error("usage", "'" + text + "': unclosed '['");
    url.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return Status::Error("usage", "'" + text + "': expected ':' after ']'");
      port = rest.substr(close + 2);
    }
  } else {
    const size_t colon = rest.rfind(':');
    url.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (url.host.empty()) return Status::Error("usage", "'" + text + "': no host");
  if (!port.empty()) {
    uint64_t p = 0;
    if (!ParseDecimal(port, &p) || p == 0 || p > 65535) {
      return Status::Error("usage", "'" + text + "': bad port");
    }
    url.port = static_cast<uint16_t>(p);
  }
  return url;
}

std::string HttpResponse::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return "";
}

HttpClient::HttpClient(std::string host, uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  eof_ = false;
}

Status HttpClient::Connect() {
  Close();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(port_);
  if (int rc = getaddrinfo(host_.c_str(), port.c_str(), &hints, &res); rc != 0) {
    return Status::Error("connect", host_ + ":" + port + ": " + gai_strerror(rc));
  }
  std::string last_error = "no address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      timeval tv{};
      tv.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
      tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      fd_ = fd;
      ++connections_opened_;
      freeaddrinfo(res);
      return Status::Ok();
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  freeaddrinfo(res);
  return Status::Error("connect", host_ + ":" + port + ": " + last_error);
}

Status HttpClient::WriteAll(const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Error("io", "send: " + std::string(std::strerror(errno)));
    }
    off += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status HttpClient::Fill() {
  char buf[64 * 1024];
  while (true) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      buffer_.append(buf, static_cast<size_t>(n));
      bytes_received_ += static_cast<uint64_t>(n);
      return Status::Ok();
    }
    if (n == 0) {
      eof_ = true;
      return Status::Error("io", "connection closed by the server");
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return Status::Error("io", "timed out waiting for the server");
    if (errno == ECONNRESET) {
      eof_ = true;
      return Status::Error("io", "connection reset by the server");
    }
    return Status::Error("io", "recv: " + std::string(std::strerror(errno)));
  }
}

Result<HttpResponse> HttpClient::ReadResponse(bool head_request, bool* keep_alive) {
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (buffer_.size() > kMaxHeaderBytes) return Status::Error("protocol", "response header too large");
    CC_RETURN_IF_ERROR(Fill());
  }
  HttpResponse resp;
  const std::string head = buffer_.substr(0, header_end + 2);
  buffer_.erase(0, header_end + 4);
  size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    return Status::Error("protocol", "bad status line '" + status_line + "'");
  }
  uint64_t code = 0;
  if (!ParseDecimal(status_line.substr(9, 3), &code)) {
    return Status::Error("protocol", "bad status line '" + status_line + "'");
  }
  resp.status = static_cast<int>(code);
  const bool http10 = status_line.compare(0, 8, "HTTP/1.0") == 0;
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    const size_t eol = head.find("\r\n", pos);
    const std::string line = head.substr(pos, eol - pos);
    pos = eol + 2;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return Status::Error("protocol", "bad header line");
    resp.headers.emplace_back(line.substr(0, colon), Trim(line.substr(colon + 1)));
  }
  const std::string connection = resp.Header("Connection");
  *keep_alive = http10 ? IEquals(connection, "keep-alive") : !IEquals(connection, "close");

  const bool no_body = head_request || resp.status == 204 || resp.status == 304 || resp.status / 100 == 1;
  if (no_body) return resp;
  if (IEquals(resp.Header("Transfer-Encoding"), "chunked")) {
    while (true) {
      size_t eol;
      while ((eol = buffer_.find("\r\n")) == std::string::npos) CC_RETURN_IF_ERROR(Fill());
      std::string size_text = buffer_.substr(0, eol);
      if (size_t semi = size_text.find(';'); semi != std::string::npos) size_text.resize(semi);
      uint64_t size = 0;
      if (!ParseHexSize(Trim(size_text), &size)) return Status::Error("protocol", "bad chunk size");
      buffer_.erase(0, eol + 2);
      if (size == 0) {
        // Trailers end with an empty line.
        while (true) {
          while ((eol = buffer_.find("\r\n")) == std::string::npos) CC_RETURN_IF_ERROR(Fill());
          buffer_.erase(0, eol + 2);
          if (eol == 0) return resp;
        }
      }
      if (resp.body.size() + size > kMaxBodyBytes)
        return Status::Error("protocol", "response body too large");
      while (buffer_.size() < size + 2) CC_RETURN_IF_ERROR(Fill());
      resp.body.append(buffer_, 0, size);
      buffer_.erase(0, size + 2);
    }
  }
  const std::string length_text = resp.Header("Content-Length");
  if (!length_text.empty()) {
    uint64_t length = 0;
    if (!ParseDecimal(length_text, &length) || length > kMaxBodyBytes) {
      return Status::Error("protocol", "bad Content-Length '" + length_text + "'");
    }
    while (buffer_.size() < length) CC_RETURN_IF_ERROR(Fill());
    resp.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return resp;
  }
  // No length: the body runs to EOF.
  *keep_alive = false;
  while (!eof_) {
    if (buffer_.size() > kMaxBodyBytes) return Status::Error("protocol", "response body too large");
    Status s = Fill();
    if (!s.ok() && !eof_) return s;
  }
  resp.body = std::move(buffer_);
  buffer_.clear();
  return resp;
}

Result<HttpResponse> HttpClient::Send(const std::string& method, const std::string& target,
                                      const std::string& bearer_token, const std::string& body,
                                      const std::string& content_type) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + host_ + ":" + std::to_string(port_) +
                    "\r\nConnection: keep-alive\r\n";
  if (!bearer_token.empty()) req += "Authorization: Bearer " + bearer_token + "\r\n";
  if (!body.empty()) req += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n";
  req += body;

  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = fd_ >= 0;
    if (!reused) CC_RETURN_IF_ERROR(Connect());
    // A reused connection the server closed while idle fails on send or with EOF
    // before any response byte; only then is a retry safe.
    Status sent = WriteAll(req);
    if (!sent.ok()) {
      Close();
      if (reused) continue;
      return sent;
    }
    bool keep_alive = false;
    const uint64_t received_before = bytes_received_;
    auto resp = ReadResponse(method == "HEAD", &keep_alive);
    if (!resp.ok()) {
      const bool nothing_received = eof_ && bytes_received_ == received_before;
      Close();
      if (reused && nothing_received) continue;
      return resp.status();
    }
    if (!keep_alive) Close();
    return resp;
  }
  return Status::Error("io", "connection closed by the server");
}

}  // namespace cc::cli
