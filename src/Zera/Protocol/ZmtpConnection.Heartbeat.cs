namespace Zera.Protocol;

/// <summary>
/// Timing: the handshake deadline (HANDSHAKE_IVL), then, only when heartbeats are on (ours or the peer's TTL), PING
/// every HEARTBEAT_IVL, a HEARTBEAT_TIMEOUT counted from our PING, and the peer's TTL counted from its last traffic
/// (RFC 37). All of it runs on the "now" the driver passes in, so tests drive it with a fake clock.
/// </summary>
internal sealed partial class ZmtpConnection
{
    // The receive loop writes _lastReceive and _peerTtlMs; the timer reads them. _nextPing and _pingSentAt belong to
    // the timer once the handshake is done (the receive loop sets _nextPing once, before the driver re-arms).
    private long _lastReceive;
    private volatile int _peerTtlMs;
    private long _handshakeDeadline = long.MaxValue;
    private long _nextPing;
    private long _pingSentAt;

    private int HeartbeatTimeout => _settings.HeartbeatTimeout >= 0 ? _settings.HeartbeatTimeout : _settings.HeartbeatInterval;

    private void StartTimers(long now)
    {
        Volatile.Write(ref _lastReceive, now);
        if (_settings.HandshakeInterval > 0) _handshakeDeadline = now + _settings.HandshakeInterval;
    }

    // PING and PONG are ZMTP 3.1 commands (3.0 peers ignore them): no heartbeats with 1.0 and 2.0 peers.
    private volatile bool _heartbeats;

    private void OnReady(long now)
    {
        _heartbeats = _framing == ZmtpFraming.V3;
        if (_heartbeats && _settings.HeartbeatInterval > 0) Volatile.Write(ref _nextPing, now + _settings.HeartbeatInterval);
    }

    private void OnPing(int ttlMs)
    {
        if (ttlMs > 0 && _peerTtlMs == 0) _peerTtlMs = ttlMs; // the first TTL counts, as libzmq
    }

    /// <summary>When <see cref="OnTimer"/> is next due (absolute ms), or <see cref="long.MaxValue"/> for never.</summary>
    public long NextDeadline
    {
        get
        {
            var state = _state;
            if (state == ZmtpState.Ended) return long.MaxValue;
            if (state != ZmtpState.Ready) return _handshakeDeadline;
            if (!_heartbeats) return long.MaxValue;
            long next = long.MaxValue;
            if (_settings.HeartbeatInterval > 0)
            {
                next = Volatile.Read(ref _nextPing);
                long sent = Volatile.Read(ref _pingSentAt);
                if (sent != 0) next = Math.Min(next, sent + HeartbeatTimeout);
            }
            int ttl = _peerTtlMs;
            if (ttl > 0) next = Math.Min(next, Volatile.Read(ref _lastReceive) + ttl);
            return next;
        }
    }

    /// <summary>The timer fired at <paramref name="now"/>: ends the connection if a deadline passed, queues a PING when
    /// one is due. Returns <see cref="ZmtpEvent.Ended"/> when the connection is over.</summary>
    public ZmtpEvent OnTimer(long now)
    {
        var state = _state;
        if (state == ZmtpState.Ended) return ZmtpEvent.Ended;
        if (state != ZmtpState.Ready)
        {
            return now >= _handshakeDeadline
                ? Fail(ConnectionEnd.HandshakeTimeout, $"handshake not completed within {_settings.HandshakeInterval} ms")
                : ZmtpEvent.NeedMore;
        }
        if (!_heartbeats) return ZmtpEvent.NeedMore;
        int ivl = _settings.HeartbeatInterval;
        long lastReceive = Volatile.Read(ref _lastReceive);
        long pingSentAt = Volatile.Read(ref _pingSentAt);
        if (pingSentAt != 0 && lastReceive >= pingSentAt) pingSentAt = 0; // answered: traffic since the PING
        if (ivl > 0 && pingSentAt != 0 && now - pingSentAt >= HeartbeatTimeout)
            return Fail(ConnectionEnd.HeartbeatTimeout, $"no traffic from the peer within {HeartbeatTimeout} ms of our PING (heartbeat timeout)");
        int ttl = _peerTtlMs;
        if (ttl > 0 && now - lastReceive > ttl)
            return Fail(ConnectionEnd.HeartbeatTimeout, $"no traffic from the peer for {now - lastReceive} ms (the peer's heartbeat TTL)");
        if (ivl > 0 && now >= Volatile.Read(ref _nextPing))
        {
            Volatile.Write(ref _nextPing, now + ivl);
            if (pingSentAt == 0) pingSentAt = now;
            EnqueueCommand(Command.BuildPing((ushort)Math.Min(ushort.MaxValue, _settings.HeartbeatTtl / 100), []));
        }
        Volatile.Write(ref _pingSentAt, pingSentAt);
        return ZmtpEvent.NeedMore;
    }
}
