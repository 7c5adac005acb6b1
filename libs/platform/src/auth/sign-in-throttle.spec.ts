import { createHash } from 'node:crypto';
import { addressBucket, ThrottleKeys } from './sign-in-throttle';

describe('the unit a sign-in address is throttled by', () => {
  it('takes an IPv4 address as it is, an IPv4-mapped IPv6 one as its IPv4 address', () => {
    expect(addressBucket('10.2.0.1')).toBe('10.2.0.1');
    expect(addressBucket('::ffff:10.2.0.1')).toBe('10.2.0.1');
    expect(addressBucket('::FFFF:192.168.7.40')).toBe('192.168.7.40');
  });

  it('takes an IPv6 address by its /64, however it is written', () => {
    // 2001:db8:1:2::a and 2001:0db8:0001:0002:ffff:ffff:ffff:ffff share the first four groups 2001, db8, 1, 2.
    expect(addressBucket('2001:db8:1:2::a')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2:0:0:1.2.3.4')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    // The neighbouring /64 is another bucket; so is an address whose "::" falls inside the prefix.
    expect(addressBucket('2001:db8:1:3::a')).toBe('2001:db8:1:3::/64');
    expect(addressBucket('2001:db8::1:2:3:4')).toBe('2001:db8:0:0::/64');
  });

  it('leaves anything that is not an address as given', () => {
    expect(addressBucket('unknown')).toBe('unknown');
  });

  it('keys the rows by an HMAC under the secret: not a SHA-256 anyone can recompute for every IPv4 address', () => {
    const a = new ThrottleKeys(Buffer.alloc(32, 1));
    const b = new ThrottleKeys(Buffer.alloc(32, 2));
    expect(a.address('10.2.0.1')).toMatch(/^[0-9a-f]{64}$/);
    expect(a.address('10.2.0.1')).not.toBe(b.address('10.2.0.1'));
    for (const guess of ['10.2.0.1', 'address:10.2.0.1', 'address\u000010.2.0.1']) expect(a.address('10.2.0.1')).not.toBe(createHash('sha256').update(guess).digest('hex'));
    // An account at an address is its own key: neither the account's nor the address's.
    expect(a.pair('rm1', '10.2.0.1')).not.toBe(a.pair('rm2', '10.2.0.1'));
    expect(a.pair('rm1', '10.2.0.1')).not.toBe(a.address('10.2.0.1'));
  });
});
