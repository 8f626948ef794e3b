/**
 * Windows Sockets error codes (WSAGetLastError), as EFT reports them in the
 * GetLastCode column. Names are Microsoft's; descriptions are ours.
 *
 * The first rows are Win32 error codes that the Winsock documentation lists as
 * aliases (`WSA_INVALID_HANDLE` = 6 ...). They are kept so the table is
 * complete, but decoding GetLastCode uses only {@link WINSOCK_RANGE}: the
 * aliases collide with EFT's own small codes.
 */
import type { CodeEntry } from './types.js';

/** The codes GetLastCode may carry as socket errors, whatever the protocol. */
export const WINSOCK_RANGE = { min: 10000, max: 11999 } as const;

const ROWS: ReadonlyArray<readonly [number, string, string]> = [
  [6, 'WSA_INVALID_HANDLE', 'Invalid event handle'],
  [8, 'WSA_NOT_ENOUGH_MEMORY', 'Out of memory'],
  [87, 'WSA_INVALID_PARAMETER', 'Invalid parameter'],
  [995, 'WSA_OPERATION_ABORTED', 'Overlapped operation aborted'],
  [996, 'WSA_IO_INCOMPLETE', 'Overlapped I/O not complete'],
  [997, 'WSA_IO_PENDING', 'Overlapped I/O pending'],
  [10004, 'WSAEINTR', 'Call interrupted'],
  [10009, 'WSAEBADF', 'Invalid file handle'],
  [10013, 'WSAEACCES', 'Permission denied'],
  [10014, 'WSAEFAULT', 'Bad address'],
  [10022, 'WSAEINVAL', 'Invalid argument'],
  [10024, 'WSAEMFILE', 'Too many open sockets'],
  [10035, 'WSAEWOULDBLOCK', 'Operation would block'],
  [10036, 'WSAEINPROGRESS', 'Blocking call in progress'],
  [10037, 'WSAEALREADY', 'Already in progress'],
  [10038, 'WSAENOTSOCK', 'Not a socket'],
  [10039, 'WSAEDESTADDRREQ', 'Destination address required'],
  [10040, 'WSAEMSGSIZE', 'Message too long'],
  [10041, 'WSAEPROTOTYPE', 'Wrong protocol for socket'],
  [10042, 'WSAENOPROTOOPT', 'Bad protocol option'],
  [10043, 'WSAEPROTONOSUPPORT', 'Protocol not supported'],
  [10044, 'WSAESOCKTNOSUPPORT', 'Socket type not supported'],
  [10045, 'WSAEOPNOTSUPP', 'Operation not supported'],
  [10046, 'WSAEPFNOSUPPORT', 'Protocol family not supported'],
  [10047, 'WSAEAFNOSUPPORT', 'Address family not supported'],
  [10048, 'WSAEADDRINUSE', 'Address already in use'],
  [10049, 'WSAEADDRNOTAVAIL', 'Address not available'],
  [10050, 'WSAENETDOWN', 'Network is down'],
  [10051, 'WSAENETUNREACH', 'Network unreachable'],
  [10052, 'WSAENETRESET', 'Connection dropped by keep-alive'],
  [10053, 'WSAECONNABORTED', 'Connection aborted locally'],
  [10054, 'WSAECONNRESET', 'Connection reset by peer'],
  [10055, 'WSAENOBUFS', 'No buffer space'],
  [10056, 'WSAEISCONN', 'Socket already connected'],
  [10057, 'WSAENOTCONN', 'Socket not connected'],
  [10058, 'WSAESHUTDOWN', 'Socket already shut down'],
  [10059, 'WSAETOOMANYREFS', 'Too many references'],
  [10060, 'WSAETIMEDOUT', 'Connection timed out'],
  [10061, 'WSAECONNREFUSED', 'Connection refused'],
  [10062, 'WSAELOOP', 'Cannot translate name'],
  [10063, 'WSAENAMETOOLONG', 'Name too long'],
  [10064, 'WSAEHOSTDOWN', 'Host is down'],
  [10065, 'WSAEHOSTUNREACH', 'No route to host'],
  [10066, 'WSAENOTEMPTY', 'Directory not empty'],
  [10067, 'WSAEPROCLIM', 'Too many processes'],
  [10068, 'WSAEUSERS', 'User quota exceeded'],
  [10069, 'WSAEDQUOT', 'Disk quota exceeded'],
  [10070, 'WSAESTALE', 'Stale file handle'],
  [10071, 'WSAEREMOTE', 'Item is remote'],
  [10091, 'WSASYSNOTREADY', 'Network subsystem unavailable'],
  [10092, 'WSAVERNOTSUPPORTED', 'Winsock version not supported'],
  [10093, 'WSANOTINITIALISED', 'WSAStartup not called'],
  [10101, 'WSAEDISCON', 'Graceful shutdown in progress'],
  [10102, 'WSAENOMORE', 'No more results'],
  [10103, 'WSAECANCELLED', 'Call canceled'],
  [10104, 'WSAEINVALIDPROCTABLE', 'Invalid procedure table'],
  [10105, 'WSAEINVALIDPROVIDER', 'Invalid service provider'],
  [10106, 'WSAEPROVIDERFAILEDINIT', 'Provider failed to start'],
  [10107, 'WSASYSCALLFAILURE', 'System call failed'],
  [10108, 'WSASERVICE_NOT_FOUND', 'Service not found'],
  [10109, 'WSATYPE_NOT_FOUND', 'Class type not found'],
  [10110, 'WSA_E_NO_MORE', 'No more results'],
  [10111, 'WSA_E_CANCELLED', 'Lookup canceled'],
  [10112, 'WSAEREFUSED', 'Query refused'],
  [11001, 'WSAHOST_NOT_FOUND', 'Host not found'],
  [11002, 'WSATRY_AGAIN', 'Name lookup failed, try again'],
  [11003, 'WSANO_RECOVERY', 'Unrecoverable lookup error'],
  [11004, 'WSANO_DATA', 'No record of requested type'],
  [11005, 'WSA_QOS_RECEIVERS', 'QoS reserve arrived'],
  [11006, 'WSA_QOS_SENDERS', 'QoS send path arrived'],
  [11007, 'WSA_QOS_NO_SENDERS', 'No QoS senders'],
  [11008, 'WSA_QOS_NO_RECEIVERS', 'No QoS receivers'],
  [11009, 'WSA_QOS_REQUEST_CONFIRMED', 'QoS reserve confirmed'],
  [11010, 'WSA_QOS_ADMISSION_FAILURE', 'QoS: no resources'],
  [11011, 'WSA_QOS_POLICY_FAILURE', 'QoS rejected by policy'],
  [11012, 'WSA_QOS_BAD_STYLE', 'Bad QoS style'],
  [11013, 'WSA_QOS_BAD_OBJECT', 'Bad QoS object'],
  [11014, 'WSA_QOS_TRAFFIC_CTRL_ERROR', 'QoS traffic control error'],
  [11015, 'WSA_QOS_GENERIC_ERROR', 'QoS error'],
  [11016, 'WSA_QOS_ESERVICETYPE', 'Bad QoS service type'],
  [11017, 'WSA_QOS_EFLOWSPEC', 'Bad QoS flowspec'],
  [11018, 'WSA_QOS_EPROVSPECBUF', 'Bad QoS provider buffer'],
  [11019, 'WSA_QOS_EFILTERSTYLE', 'Bad QoS filter style'],
  [11020, 'WSA_QOS_EFILTERTYPE', 'Bad QoS filter type'],
  [11021, 'WSA_QOS_EFILTERCOUNT', 'Bad QoS filter count'],
  [11022, 'WSA_QOS_EOBJLENGTH', 'Bad QoS object length'],
  [11023, 'WSA_QOS_EFLOWCOUNT', 'Bad QoS flow count'],
  [11024, 'WSA_QOS_EUNKOWNPSOBJ', 'Unknown QoS object'],
  [11025, 'WSA_QOS_EPOLICYOBJ', 'Bad QoS policy object'],
  [11026, 'WSA_QOS_EFLOWDESC', 'Bad QoS flow descriptor'],
  [11027, 'WSA_QOS_EPSFLOWSPEC', 'Bad provider QoS flowspec'],
  [11028, 'WSA_QOS_EPSFILTERSPEC', 'Bad provider QoS filterspec'],
  [11029, 'WSA_QOS_ESDMODEOBJ', 'Bad QoS discard mode object'],
  [11030, 'WSA_QOS_ESHAPERATEOBJ', 'Bad QoS shaping rate object'],
  [11031, 'WSA_QOS_RESERVED_PETYPE', 'Reserved QoS policy element'],
];

/** Every Windows Sockets code, ascending. Frozen. */
export const WINSOCK_CODES: readonly CodeEntry[] = Object.freeze(
  ROWS.map(([code, name, description]) => Object.freeze({ code, name, description })),
);

const BY_CODE = new Map(WINSOCK_CODES.map((e) => [e.code, e]));

/** The table row for `code`, aliases included; undefined when unlisted. */
export function winsockEntry(code: number): CodeEntry | undefined {
  return BY_CODE.get(code);
}
