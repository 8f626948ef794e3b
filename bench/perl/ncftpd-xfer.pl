#!/usr/bin/perl
# The existing NcFTPd parser as a benchmark baseline: NcFTPd::Log::Parse::Xfer
# (the NcFTPd-Log-Parse distribution on CPAN, not part of this repository)
# reads FILE entry by entry; prints one JSON report line as the benchmark's
# scenario children do. Exits 3 when the module is not installed.
#
#   perl bench/perl/ncftpd-xfer.pl FILE
use strict;
use warnings;
use Time::HiRes qw(time);

my $file = shift @ARGV or die "usage: ncftpd-xfer.pl FILE\n";
if (!eval { require NcFTPd::Log::Parse::Xfer; 1 }) {
  print STDERR "the Perl module NcFTPd::Log::Parse::Xfer is not installed (cpan NcFTPd::Log::Parse, or PERL5LIB)\n";
  exit 3;
}
my ($u0, $s0) = times;
my $t0 = time;
my $parser = NcFTPd::Log::Parse::Xfer->new($file);
my ($entries, $errors) = (0, 0);
while (1) {
  if ($parser->next) { $entries++ }
  elsif ($parser->error) { $errors++ }
  else { last }
}
my $wall = time - $t0;
my ($u1, $s1) = times;
my $rss = 0;
if (open my $status, '<', '/proc/self/status') {
  while (<$status>) { $rss = $1 / 1024 if /^VmHWM:\s+(\d+)/ }
}
printf "{\"lines\":%d,\"records\":%d,\"wallMs\":%.1f,\"cpuUserMs\":%.1f,\"cpuSystemMs\":%.1f,\"maxRssMB\":%.1f,\"extra\":{\"errors\":%d}}\n",
  $entries + $errors, $entries, $wall * 1000, ($u1 - $u0) * 1000, ($s1 - $s0) * 1000, $rss, $errors;
