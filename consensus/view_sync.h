// View synchronization: the rules that keep every honest replica in the view the
// quorum is in (consensus/README.md, "View synchronization").
//
//  * TimeoutCollector: the ViewTimeouts ("I give up on view v") this replica has
//    heard, per view and replica, each with the tick it was last heard. A timeout
//    is soft state: its sender re-sends it every retransmission period for as long
//    as it still gives up on the view, and one not heard for `expiry` ticks no
//    longer counts. 2f+1 current ones for a view form a TimeoutCertificate.
//  * ValidateTimeoutCertificate: 2f+1 validly signed timeouts of distinct
//    validators, all for the certificate's view.
//  * PeerViews: the highest view each peer showed lately in a message it signed
//    (the replica checks the signature of a view above its own before noting it).
//    f+1 peers showing a higher view include an honest one, so this replica is
//    behind and asks for the way in.
//
// Thread safety: none (value types owned by one replica).
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "common/status.h"
#include "consensus/messages.h"
#include "proto/creditchain.pb.h"

namespace cc::consensus {

class TimeoutCollector {
 public:
  TimeoutCollector(uint32_t n, uint64_t expiry_ticks) : n_(n), expiry_(expiry_ticks) {}

  // The stored timeout of `replica` for `view`, if any (to skip re-verifying a
  // byte-identical re-send).
  const pb::ViewTimeout* Find(uint64_t view, uint32_t replica) const;
  // Records a verified timeout heard at `tick`. Keeps, per replica, only its
  // timeouts for views >= the floor (see DropBelow), and at most its two highest,
  // so a faulty replica cannot fill memory.
  void Add(const pb::ViewTimeout& timeout, uint64_t tick);
  // `replica` no longer gives up on `view` (this replica's own, on progress).
  void Withdraw(uint64_t view, uint32_t replica);
  // Forgets every timeout for views below `view`.
  void DropBelow(uint64_t view);
  // Distinct replicas with a current timeout for `view` at `tick`.
  uint32_t Count(uint64_t view, uint64_t tick) const;
  // A certificate of `quorum` current timeouts for `view`, if there are that many.
  std::optional<pb::TimeoutCertificate> Certificate(uint64_t view, uint32_t quorum, uint64_t tick) const;

 private:
  struct Heard {
    pb::ViewTimeout timeout;
    uint64_t tick = 0;
  };
  bool Current(const Heard& h, uint64_t tick) const { return tick < h.tick + expiry_; }

  uint32_t n_;
  uint64_t expiry_;
  std::map<uint64_t, std::map<uint32_t, Heard>> by_view_;
};

// Codes: "malformed" (empty, wrong view inside, replica out of range or repeated),
// "too_few_timeouts", "bad_signature".
Status ValidateTimeoutCertificate(MessageAuth& auth, uint32_t quorum, const pb::TimeoutCertificate& tc);

// The view a consensus message shows its sender to be in (a VIEW-CHANGE: the view
// it asks for); nullopt for messages about no view (checkpoints, fetches).
std::optional<uint64_t> ViewShownBy(const pb::ConsensusMessage& m);

class PeerViews {
 public:
  PeerViews(uint32_t n, uint64_t expiry_ticks) : n_(n), expiry_(expiry_ticks) {}

  // `peer` showed `view` at `tick`. The highest view heard within the expiry
  // stands (votes re-sent for old sequences carry old views); a peer that
  // restarted into a lower view is believed once that expires.
  void Note(uint32_t peer, uint64_t view, uint64_t tick);
  // Peers whose view heard within the expiry is above `view`.
  uint32_t CountAbove(uint64_t view, uint64_t tick) const;
  // Whether `peer`'s view heard within the expiry is `view` or higher.
  bool Shows(uint32_t peer, uint64_t view, uint64_t tick) const;

 private:
  struct Seen {
    uint64_t view = 0;
    uint64_t tick = 0;
  };
  uint32_t n_;
  uint64_t expiry_;
  std::map<uint32_t, Seen> seen_;
};

}  // namespace cc::consensus
