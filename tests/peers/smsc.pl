#!/usr/bin/perl
# A test SMSC (SMPP 3.4 server side, Net::SMPP from Debian's libnet-smpp-perl) on 127.0.0.1.
#
#   smsc.pl --port P --system-id ID --password PW --out FILE
#           [--close-after N] [--reject-dest PREFIX] [--receipts] [--undeliverable PREFIX]
#           [--receipts-elsewhere]
#
# Serves every connection in this one process (no fork: stopping this PID drops every link, as a
# restarted SMSC would), so several nodes may each hold a bind. A bind with other credentials gets
# a header-only bind_*_resp with ESME_RINVSYSID / ESME_RINVPASWD (as real SMSCs send) and the
# connection is closed. Each answered submit_sm is appended to FILE as one tab-separated line
# before its submit_sm_resp is sent:
#   submit_sm  at=<unix time, µs>  seq=  source=  source_ton=  source_npi=  dest=  dest_ton=
#              dest_npi=  data_coding=  esm_class=  registered_delivery=  message_id=
#              short_message=<hex>  link=<the connection's number, from 1>
# plus `bind` (system_id, result, link), `enquire_link`, `receipt` (message_id, stat, link it went
# on) and `deliver_sm_resp` (seq, status) lines.
#   --close-after N     close a connection after its N-th accepted submit_sm (any later PDUs
#                       already sent by the client are never read, so never answered or logged)
#   --reject-dest P     destinations starting with P get a header-only ESME_RINVDSTADR
#   --receipts          to a transceiver, after each accepted submit_sm asking for one, send a
#                       delivery receipt (deliver_sm, esm_class 0x04, stat:DELIVRD)
#   --undeliverable P   with --receipts: destinations starting with P get stat:UNDELIV err:001
#                       (message_state 5) instead
#   --receipts-elsewhere  with --receipts: send each receipt on another bound transceiver than
#                       the one that submitted the message, when there is one (SMSCs may answer
#                       on any bind of the same system_id)
# Prints "listening on PORT" to stdout once it accepts connections.
use strict;
use warnings;
use Getopt::Long;
use IO::Handle;
use IO::Select;
use Net::SMPP;
use Time::HiRes qw(time);

my ($port, $sysid, $password, $out, $close_after, $reject, $receipts, $undeliverable, $elsewhere);
GetOptions('port=i' => \$port, 'system-id=s' => \$sysid, 'password=s' => \$password,
           'out=s' => \$out, 'close-after=i' => \$close_after, 'reject-dest=s' => \$reject,
           'receipts' => \$receipts, 'undeliverable=s' => \$undeliverable,
           'receipts-elsewhere' => \$elsewhere)
  && $port && defined $sysid && defined $password && $out
  or die "usage: smsc.pl --port P --system-id ID --password PW --out FILE [options]\n";

open(my $log, '>>', $out) or die "$out: $!";
$log->autoflush(1);
STDOUT->autoflush(1);
sub record { print $log join("\t", @_), "\n"; }

my $server = Net::SMPP->new_listen('127.0.0.1', port => $port, smpp_version => 0x34)
  or die "listen on $port: $!";
print "listening on $port\n";

# A response made of the 16-byte header only: what SMSCs send with a non-zero command_status.
sub header_only { my ($c, $cmd, $status, $seq) = @_; $c->syswrite(pack('NNNN', 16, $cmd, $status, $seq)); }

# Each connection: { link => number, bound => 0/1, transceiver => 0/1, accepted => submits }.
my %links;
my ($next_link, $next_id) = (0, 0);

# Where the receipt of a message submitted on $from goes: $from, or with --receipts-elsewhere the
# most recently bound other transceiver.
sub receipt_link {
  my ($from) = @_;
  return $from unless $elsewhere;
  my @others = sort { $links{$b}{link} <=> $links{$a}{link} }
               grep { $_ ne "$from" && $links{$_}{bound} && $links{$_}{transceiver} } keys %links;
  return @others ? $links{$others[0]}{conn} : $from;
}

# Answers one PDU read from $c; false when the connection must close.
sub handle {
  my ($c, $pdu) = @_;
  my $l = $links{$c};
  my ($cmd, $seq) = ($pdu->{cmd}, $pdu->{seq});
  if ($cmd == 0x00000002 || $cmd == 0x00000009) {  # bind_transmitter, bind_transceiver
    my $status = $pdu->{system_id} ne $sysid ? 0x0F : $pdu->{password} ne $password ? 0x0E : 0;
    record('bind', "system_id=$pdu->{system_id}", 'result=' . ($status ? 'refused' : 'ok'),
           "link=$l->{link}");
    if ($status) { header_only($c, $cmd | 0x80000000, $status, $seq); return 0; }
    ($l->{bound}, $l->{transceiver}) = (1, $cmd == 0x00000009);
    $l->{transceiver} ? $c->bind_transceiver_resp(system_id => 'perlsmsc', seq => $seq)
                      : $c->bind_transmitter_resp(system_id => 'perlsmsc', seq => $seq);
  } elsif ($cmd == 0x00000015) {
    record('enquire_link', "seq=$seq");
    $c->enquire_link_resp(seq => $seq);
  } elsif ($cmd == 0x00000004) {  # submit_sm
    if (!$l->{bound}) { header_only($c, 0x80000004, 0x04, $seq); return 1; }  # ESME_RINVBNDSTS
    if (defined $reject && index($pdu->{destination_addr}, $reject) == 0) {
      header_only($c, 0x80000004, 0x0B, $seq);
      return 1;
    }
    my $id = sprintf('%d%06d', $$, ++$next_id);
    record('submit_sm', sprintf('at=%.6f', time()), "seq=$seq", "source=$pdu->{source_addr}",
           "source_ton=$pdu->{source_addr_ton}", "source_npi=$pdu->{source_addr_npi}",
           "dest=$pdu->{destination_addr}", "dest_ton=$pdu->{dest_addr_ton}",
           "dest_npi=$pdu->{dest_addr_npi}", "data_coding=$pdu->{data_coding}",
           "esm_class=$pdu->{esm_class}", "registered_delivery=$pdu->{registered_delivery}",
           "message_id=$id", 'short_message=' . unpack('H*', $pdu->{short_message}),
           "link=$l->{link}");
    $c->submit_sm_resp(message_id => $id, seq => $seq);
    if ($receipts && $l->{transceiver} && ($pdu->{registered_delivery} & 1)) {
      my $failed = defined $undeliverable && index($pdu->{destination_addr}, $undeliverable) == 0;
      my ($stat, $err, $state) = $failed ? ('UNDELIV', '001', 5) : ('DELIVRD', '000', 2);
      my $to = receipt_link($c);
      record('receipt', "message_id=$id", "stat=$stat", "link=$links{$to}{link}");
      $to->deliver_sm(source_addr_ton => 1, source_addr_npi => 1,
                      source_addr => $pdu->{destination_addr},
                      dest_addr_ton => $pdu->{source_addr_ton},
                      dest_addr_npi => $pdu->{source_addr_npi},
                      destination_addr => $pdu->{source_addr}, esm_class => 0x04,
                      data_coding => 0, registered_delivery => 0,
                      short_message => "id:$id sub:001 dlvrd:" . ($failed ? '000' : '001')
                        . " submit date:2401011200 done date:2401011201 stat:$stat err:$err text:",
                      receipted_message_id => "$id\0", message_state => chr($state), async => 1);
    }
    return 0 if defined $close_after && ++$l->{accepted} >= $close_after;
  } elsif ($cmd == 0x80000005) {  # deliver_sm_resp
    record('deliver_sm_resp', "seq=$seq", "status=$pdu->{status}");
  } elsif ($cmd == 0x00000006) {  # unbind
    $c->unbind_resp(seq => $seq);
    return 0;
  } elsif (!($cmd & 0x80000000)) {
    header_only($c, 0x80000000, 0x03, $seq);  # generic_nack, ESME_RINVCMDID
  }
  return 1;
}

my $select = IO::Select->new($server);
while (1) {
  for my $ready ($select->can_read) {
    if ($ready == $server) {
      my $c = $server->accept or next;
      $links{$c} = { conn => $c, link => ++$next_link, bound => 0, transceiver => 0, accepted => 0 };
      $select->add($c);
      next;
    }
    my $pdu = $ready->read_pdu();
    next if $pdu && handle($ready, $pdu);
    $select->remove($ready);
    delete $links{$ready};
    $ready->close;
  }
}
