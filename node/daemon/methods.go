package daemon

// Method names, shared by the dispatch table and the client so that a typo
// fails to compile. A name is part of the protocol: never rename one.
const (
	mHello          = "Hello"
	mCreateSpace    = "CreateSpace"
	mSpaces         = "Spaces"
	mResolveSpace   = "ResolveSpace"
	mSpaceDetail    = "SpaceDetail"
	mCreateCalendar = "CreateCalendar"
	mCalendars      = "Calendars"
	mAddEvent       = "AddEvent"
	mEvents         = "Events"
	mEvent          = "Event"
	mPatchEvent     = "PatchEvent"
	mImportICS      = "ImportICS"
	mExportICS      = "ExportICS"
	mAddCase        = "AddCase"
	mCases          = "Cases"
	mCase           = "Case"
	mPatchCase      = "PatchCase"
	mSearchCases    = "SearchCases"
	mAddEntry       = "AddEntry"
	mEntries        = "Entries"
	mBalances       = "Balances"
	mAudit          = "Audit"
	mReverse        = "Reverse"
	mLog            = "Log"
	mInvite         = "Invite"
	mJoinRequest    = "JoinRequest"
	mAdmit          = "Admit"
	mAcceptWelcome  = "AcceptWelcome"
	mExportBundle   = "ExportBundle"
	mImportBundle   = "ImportBundle"
	mStatus         = "Status"
	mPeers          = "Peers"
	mQuarantine     = "Quarantine"
	mLiftQuarantine = "LiftQuarantine"
	mDoctor         = "Doctor"
	mRelays         = "Relays"
	mSetRelays      = "SetRelays"
	mJoin           = "Join"
	mRevokeInvite   = "RevokeInvite"
	mCancelJoin     = "CancelJoin"
	mImportEntries  = "ImportEntries"
	mSyncUntil      = "SyncUntilCurrent"
	mCuts           = "Cuts"
	mContinueLedger = "ContinueLedger"
	mLedgerChain    = "LedgerChain"
	mNearOpBudget   = "NearOpBudget"

	mContinueCase     = "ContinueCase"
	mCaseChain        = "CaseChain"
	mContinueCalendar = "ContinueCalendar"
	mCalendarChain    = "CalendarChain"
)

// Hello is the daemon's answer to a client that connects: who it is.
type Hello struct {
	PeerID string `cbor:"peer_id"`
	Name   string `cbor:"name"`
}

// joinReply carries JoinRequest's two results.
type joinReply struct {
	Request []byte `cbor:"request"`
	Space   string `cbor:"space"`
}
