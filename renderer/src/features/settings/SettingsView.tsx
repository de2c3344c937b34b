import { useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, Check, KeyRound, Loader2, LockKeyhole, ShieldCheck, Trash2 } from 'lucide-react';
import type { KeyStatus } from '../../../../src/contract/calls/generation';
import type { AppError, Settings } from '../../../../src/domain';
import { segmindAddressProblem } from '../../../../src/domain/segmind-address';
import { asAppError, getBridge } from '../../bridge/bridge';
import { keys, useBridgeMutation, useBridgeQuery } from '../../bridge/queries';
import { ErrorNotice } from '../../ui/ErrorNotice';
import {
  formatCredits,
  genKeys,
  useCredits,
  useKeyStatus,
  useKeyVerdict,
  useSettings,
  type KeyVerdict,
} from '../queue/queue-data';
import type { SegmindAddressInUse } from '../../../../src/contract/calls/app';
import { useIntent } from '../../app/commands';
import './settings.css';
import { ModelApiSection } from './ModelApiSection';
import { isComposing } from '../../ui/keyboard';

const BACKEND_LABEL: Record<KeyStatus['backend'], string> = {
  keychain: 'System keychain',
  'safe-storage': 'Encrypted with the OS (safeStorage)',
  memory: 'Memory only — you will need to enter it again after restart',
};

/** Segmind's documented limits per account tier (SEGMIND_API.md §2). */
const TIER_RATE: Record<Settings['accountTier'], number> = { free: 5, paid: 50 };
const KEY_SHAPE = /^SG_[0-9a-f]{16}$/i;

/** The Segmind key, where requests go, and how fast: everything generation needs set once. */
export function SettingsView() {
  return (
    <>
      <div className="toolbar">
        <h1 className="toolbar-title">Settings</h1>
      </div>
      <div className="stage-body">
        <div className="card-page settings-page">
          <KeySection />
          <LimitsSection />
          <ModelApiSection />
          <ConnectionSection />
        </div>
      </div>
    </>
  );
}

// ---------------------------------------------------------------------------------------------------
// The API key
// ---------------------------------------------------------------------------------------------------

function KeySection() {
  const bridge = getBridge();
  const client = useQueryClient();
  const status = useKeyStatus();
  const credits = useCredits();
  const inputRef = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState('');
  const [saved, setSaved] = useState(false);
  const [confirmClear, setConfirmClear] = useState(false);
  const refresh = [genKeys.keyStatus, genKeys.credits, genKeys.jobs];
  const setKey = useBridgeMutation(bridge.key.set, refresh);
  const clearKey = useBridgeMutation(bridge.key.clear, refresh);
  const verdict = useKeyVerdict();
  const hasKey = status.data?.hasKey ?? false;
  const trimmed = draft.trim();
  const fieldId = useId();
  const focusField = () => {
    inputRef.current?.focus();
    inputRef.current?.select();
  };
  // "Enter a new key" anywhere in the app lands here with the field focused.
  useIntent('settings.key', focusField);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!trimmed || setKey.isPending) return;
    setSaved(false);
    clearKey.reset();
    setKey.mutate(
      { key: trimmed },
      {
        onSuccess: (next) => {
          client.setQueryData(genKeys.keyStatus, next);
          setDraft('');
          setSaved(true);
        },
        onError: () => inputRef.current?.select(),
      },
    );
  };

  const clear = () => {
    setConfirmClear(false);
    setSaved(false);
    setKey.reset();
    clearKey.mutate({}, { onSuccess: (next) => client.setQueryData(genKeys.keyStatus, next) });
  };

  const error = setKey.error ?? clearKey.error;
  return (
    <section className="card roomy settings-card" aria-labelledby="key-heading">
      <header>
        <KeyRound size={16} aria-hidden />
        <h2 id="key-heading">Segmind API key</h2>
      </header>

      {status.data && <KeyStatusLine status={status.data} verdict={verdict} onEnterNewKey={focusField} />}

      <form className="stack key-form" onSubmit={submit}>
        <label className="field" htmlFor={fieldId}>
          <span>{hasKey ? 'Replace with a new key' : 'Your API key'}</span>
        </label>
        <div className="row">
          <input
            id={fieldId}
            ref={inputRef}
            type="password"
            className="key-input"
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              setSaved(false);
            }}
            placeholder="SG_…"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={setKey.error?.code === 'KEY_REJECTED' ? true : undefined}
            aria-describedby={`${fieldId}-help`}
            disabled={setKey.isPending}
          />
          <button
            // While a rejected key waits for a new one, "Enter a new key" is the one primary action.
            className={verdict === 'rejected' && !trimmed ? undefined : 'primary'}
            type="submit"
            disabled={!trimmed || setKey.isPending}
          >
            {setKey.isPending ? (
              <Loader2 size={16} className="spin" aria-hidden />
            ) : (
              <LockKeyhole size={16} aria-hidden />
            )}
            {setKey.isPending ? 'Checking with Segmind…' : hasKey ? 'Replace key' : 'Save key'}
          </button>
        </div>
        <div id={`${fieldId}-help`} className="secondary">
          Find it in your Segmind console under API keys. It is checked with Segmind (free), then kept by the
          app’s main process: this window never sees it again.
          {trimmed && !KEY_SHAPE.test(trimmed) && (
            <span className="amber-text">
              {' '}
              Segmind keys usually look like SG_ followed by 16 letters and digits.
            </span>
          )}
        </div>
      </form>

      {error && (
        <ErrorNotice
          error={error}
          primaryAction={error.code === 'KEY_REJECTED' || error.code === 'KEY_MISSING'}
          onAction={
            error.code === 'KEY_REJECTED' || error.code === 'KEY_MISSING'
              ? () => inputRef.current?.focus()
              : error.code === 'INTERNAL'
                ? () => setKey.reset()
                : undefined
          }
        />
      )}
      {saved && !error && verdict !== 'rejected' && (
        <div className="notice ok" role="status">
          <Check size={16} color="var(--green)" aria-hidden />
          <div>
            <div className="notice-title">Key saved</div>
            <div className="secondary">
              {credits.data
                ? `Segmind accepted it. Your balance is ${formatCredits(credits.data.credits)} credits.`
                : credits.error?.code === 'OFFLINE'
                  ? 'You are offline, so it will be checked when the network is back.'
                  : 'Segmind accepted it.'}
            </div>
          </div>
        </div>
      )}

      {hasKey && (
        <div className="row key-clear">
          {confirmClear ? (
            <>
              <span className="secondary">
                Remove the key from this computer? Queued jobs will wait until you enter one again.
              </span>
              <div className="spacer" />
              <button onClick={() => setConfirmClear(false)}>Keep it</button>
              <button className="danger-solid" onClick={clear} disabled={clearKey.isPending}>
                Remove key
              </button>
            </>
          ) : (
            <button className="ghost danger" onClick={() => setConfirmClear(true)}>
              <Trash2 size={16} aria-hidden /> Remove key
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function KeyStatusLine(props: { status: KeyStatus; verdict: KeyVerdict | undefined; onEnterNewKey(): void }) {
  const { status, verdict } = props;
  const memory = status.backend === 'memory';
  return (
    <dl className="key-status">
      <dt>Status</dt>
      <dd className={verdict === 'rejected' ? 'key-rejected' : undefined}>
        {status.hasKey && verdict === 'rejected' ? (
          <>
            <AlertTriangle size={16} color="var(--red)" aria-hidden />
            <span>Segmind rejected this key</span>
            <button className="primary key-enter-new" type="button" onClick={props.onEnterNewKey}>
              <KeyRound size={16} aria-hidden /> Enter a new key
            </button>
          </>
        ) : status.hasKey ? (
          <>
            <ShieldCheck size={16} color="var(--green)" aria-hidden /> A key is set
          </>
        ) : (
          <>
            <KeyRound size={16} className="muted" aria-hidden /> No key yet
          </>
        )}
      </dd>
      <dt>Kept in</dt>
      <dd className={memory ? 'amber-text' : undefined}>
        {memory && <AlertTriangle size={16} aria-hidden />}
        <span>{BACKEND_LABEL[status.backend]}</span>
      </dd>
      {status.note && (
        <>
          <dt className="visually-hidden">Why</dt>
          <dd className="secondary key-note">{status.note}</dd>
        </>
      )}
    </dl>
  );
}

// ---------------------------------------------------------------------------------------------------
// Settings that save as they change
// ---------------------------------------------------------------------------------------------------

function useSaveSettings() {
  const client = useQueryClient();
  return useMutation<Settings, AppError, Partial<Settings>>({
    mutationFn: async (changes) => {
      try {
        return await getBridge().settings.update(changes);
      } catch (error) {
        throw asAppError(error);
      }
    },
    onSuccess: (next) => client.setQueryData(keys.settings, next),
  });
}

function LimitsSection() {
  const settings = useSettings();
  const save = useSaveSettings();
  const s = settings.data;
  if (!s) return null;
  const setTier = (tier: Settings['accountTier']) =>
    save.mutate({ accountTier: tier, requestsPerMinute: TIER_RATE[tier] });
  return (
    <section className="card roomy settings-card" aria-labelledby="limits-heading">
      <header>
        <h2 id="limits-heading">Account and limits</h2>
      </header>
      <div className="setting-row">
        <div>
          <div id="tier-label">Segmind account</div>
          <div className="secondary">Free accounts may send 5 requests a minute, paid ones 50.</div>
        </div>
        <div className="segmented" role="radiogroup" aria-labelledby="tier-label">
          {(['free', 'paid'] as const).map((tier) => (
            <label key={tier}>
              <input
                type="radio"
                name="tier"
                value={tier}
                checked={s.accountTier === tier}
                onChange={() => setTier(tier)}
              />
              {tier === 'free' ? 'Free' : 'Paid'}
            </label>
          ))}
        </div>
      </div>
      <NumberSetting
        label="Requests a minute"
        help="Set by the account above; lower it if Segmind still asks the app to wait."
        value={s.requestsPerMinute}
        min={1}
        max={600}
        integer
        onSave={(v) => save.mutateAsync({ requestsPerMinute: v })}
      />
      <NumberSetting
        label="Jobs at once"
        help="How many generations may run at the same time."
        value={s.concurrency}
        min={1}
        max={8}
        integer
        onSave={(v) => save.mutateAsync({ concurrency: v })}
      />
      <NumberSetting
        label="Warn below"
        help="The credits pill turns amber when the balance drops under this many credits."
        value={s.lowCreditsWarning}
        min={0}
        max={1_000_000}
        suffix="credits"
        onSave={(v) => save.mutateAsync({ lowCreditsWarning: v })}
      />
      {save.error && <ErrorNotice error={save.error} />}
    </section>
  );
}

function NumberSetting(props: {
  label: string;
  help: string;
  value: number;
  min: number;
  max: number;
  integer?: boolean;
  suffix?: string;
  onSave(value: number): Promise<unknown>;
}) {
  const id = useId();
  const [draft, setDraft] = useState(String(props.value));
  const [saved, setSaved] = useState(false);
  const [shown, setShown] = useState(props.value);
  if (shown !== props.value) {
    // Saved here or elsewhere: show the stored value.
    setShown(props.value);
    setDraft(String(props.value));
  }
  const n = Number(draft.trim());
  const valid =
    draft.trim() !== '' &&
    Number.isFinite(n) &&
    (!props.integer || Number.isInteger(n)) &&
    n >= props.min &&
    n <= props.max;
  const commit = () => {
    if (!valid || n === props.value) return;
    void props.onSave(n).then(() => {
      setSaved(true);
      window.setTimeout(() => setSaved(false), 1500);
    });
  };
  return (
    <div className="setting-row">
      <div>
        <label htmlFor={id}>{props.label}</label>
        <div className="secondary" id={`${id}-help`}>
          {props.help}
        </div>
      </div>
      <div className="setting-control">
        <div className="setting-inputs">
          <input
            id={id}
            className="num-input tabular"
            inputMode={props.integer ? 'numeric' : 'decimal'}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => {
              if (isComposing(e)) return;
              if (e.key === 'Enter') commit();
              if (e.key === 'Escape') setDraft(String(props.value));
            }}
            aria-invalid={!valid || undefined}
            aria-describedby={`${id}-help ${id}-error`}
          />
          <span className="secondary setting-suffix">{props.suffix}</span>
          <span className="saved-tick" aria-live="polite">
            {saved && (
              <>
                <Check size={14} color="var(--green)" aria-hidden /> Saved
              </>
            )}
          </span>
        </div>
        {!valid && (
          <div className="field-error" id={`${id}-error`}>
            Enter {props.integer ? 'a whole number' : 'a number'} from {props.min} to{' '}
            {props.max.toLocaleString('en-US')}.
          </div>
        )}
      </div>
    </div>
  );
}

function ConnectionSection() {
  const settings = useSettings();
  const save = useSaveSettings();
  const client = useQueryClient();
  const [draft, setDraft] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const id = useId();
  const info = useBridgeQuery(keys.appInfo, () => getBridge().app.info({}));
  const inUse = info.data?.segmindAddress;
  const overridden = inUse?.source === 'environment';
  const current = settings.data?.segmindBaseUrl ?? '';
  const value = draft ?? current;
  const problem = urlProblem(value.trim());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem) return;
    save.mutate(
      { segmindBaseUrl: value.trim().replace(/\/+$/, '') },
      {
        onSuccess: () => {
          setDraft(null);
          setSaved(true);
          void client.invalidateQueries({ queryKey: genKeys.credits });
          void client.invalidateQueries({ queryKey: keys.appInfo });
        },
      },
    );
  };
  return (
    <section className="card roomy settings-card" aria-labelledby="connection-heading">
      <header>
        <h2 id="connection-heading">Connection</h2>
      </header>
      {inUse && <AddressInUse address={inUse} />}
      <form className="stack" style={{ gap: 6 }} onSubmit={submit}>
        <label htmlFor={id}>{overridden ? 'Saved Segmind address' : 'Segmind address'}</label>
        <div className="row">
          <input
            id={id}
            className="url-input"
            value={value}
            onChange={(e) => {
              setDraft(e.target.value);
              setSaved(false);
            }}
            placeholder="https://api.segmind.com (the default)"
            spellCheck={false}
            aria-invalid={problem ? true : undefined}
            aria-describedby={`${id}-help`}
          />
          <button type="submit" disabled={!!problem || value.trim() === current || save.isPending}>
            Save
          </button>
        </div>
        <div id={`${id}-help`} className={problem ? 'field-error' : 'secondary'}>
          {problem ??
            (overridden
              ? 'Used when the app is started without CCSTUDIO_SEGMIND_URL. Leave empty for Segmind itself.'
              : 'Leave empty to use Segmind itself. Point it at a local stand-in to try the app without spending credits.')}
        </div>
        {saved && (
          <div className="secondary" role="status">
            <Check size={14} color="var(--green)" aria-hidden />{' '}
            {overridden
              ? 'Saved. CCSTUDIO_SEGMIND_URL still decides where requests go while it is set.'
              : `Saved. New requests go to ${value.trim() || 'Segmind'}.`}
          </div>
        )}
        {info.data && <div className="secondary">Connection: {info.data.connection.label}</div>}
      </form>
      {save.error && <ErrorNotice error={save.error} />}
    </section>
  );
}

/** The same rule the app applies when saving (no key anywhere in the address), shown before saving. */
function urlProblem(text: string): string | null {
  return text === '' ? null : segmindAddressProblem(text);
}

const ADDRESS_SOURCE: Record<SegmindAddressInUse['source'], string> = {
  environment:
    'Set by CCSTUDIO_SEGMIND_URL in the environment the app was started from. It overrides the saved address below until the app is started without it.',
  settings: 'The address saved below.',
  default: 'Segmind itself, the default.',
};

/** Where requests go right now, and what decided it: the truth, even when the environment overrides Settings. */
function AddressInUse(props: { address: SegmindAddressInUse }) {
  const { address } = props;
  return (
    <div className={address.source === 'environment' ? 'notice warn address-in-use' : 'address-in-use'}>
      {address.source === 'environment' && <AlertTriangle size={16} color="var(--amber)" aria-hidden />}
      <dl className="key-status">
        <dt>Requests go to</dt>
        <dd>
          <code data-testid="segmind-address-in-use">{address.url}</code>
        </dd>
        <dt className="visually-hidden">Why</dt>
        <dd className="secondary key-note">{ADDRESS_SOURCE[address.source]}</dd>
      </dl>
    </div>
  );
}
