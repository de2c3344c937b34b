import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { onParametersRequest } from '../results/use-parameters';
import { useQueryClient } from '@tanstack/react-query';
import {
  AlertTriangle,
  ChevronRight,
  Dices,
  Lock,
  LockOpen,
  PersonStanding,
  Sparkles,
  UserRound,
  WifiOff,
  X,
} from 'lucide-react';
import type { ProjectSummary } from '../../../../src/domain';
import {
  composePrompt,
  defaultParams,
  DEFAULT_MODEL_ID,
  fieldGroups,
  getModel,
  isParamField,
  listModels,
  outputsPerRun,
  validateParams,
  type ModelSpec,
  type ParamFieldSpec,
} from '../../../../src/models';
import { errorHelp } from '../../../../src/contract/error-messages';
import { getBridge } from '../../bridge/bridge';
import { useBridgeMutation } from '../../bridge/queries';
import { useNavigation } from '../../app/navigation';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Kbd } from '../../ui/Kbd';
import { MediaThumb } from '../../ui/MediaThumb';
import { comboLabel, isComposing, useShortcut } from '../../ui/keyboard';
import { useCommands } from '../../app/commands';
import { onSelection } from '../../app/selection';
import { useToasts } from '../../ui/Toasts';
import { lowerFirst } from '../../ui/text';
import {
  formatCredits,
  genKeys,
  upsertJob,
  useCredits,
  useJobs,
  useKeyStatus,
  runBudget,
  isActive,
  type JobsData,
} from '../queue/queue-data';
import { GENERATE_COMBO, useGeneratePanel } from './generate-context';
import { ParamField } from './ParamField';
import { Presets } from './Presets';
import { ImageRouting, missingReference } from './ImageRouting';
import { BatchSection } from './BatchSection';
import {
  useCharacterOptions,
  usePoseOptions,
  useSourcesLive,
  type CharacterOption,
  type PoseOption,
} from './sources';
import './generate.css';

const MAX_RANDOM_SEED = 2 ** 32 - 1;
const randomSeed = (): string => String(Math.floor(Math.random() * MAX_RANDOM_SEED));

/** The model's parameters the form edits: everything but the prompt fields, which come from the character. */
function formFields(model: ModelSpec): ParamFieldSpec[] {
  return model.fields
    .filter(isParamField)
    .filter((f) => f.name !== model.prompt.field && f.name !== model.prompt.negativeField);
}

/** Basic: the seed and the base pass's numbers. The rest sits under Advanced, by pass. */
const isBasic = (f: ParamFieldSpec): boolean =>
  f.group === 'basic' || (f.group === 'base' && (f.type === 'int' || f.type === 'float'));

function initialValues(model: ModelSpec): Record<string, string> {
  const out: Record<string, string> = {};
  const defaults = defaultParams(model);
  for (const f of formFields(model)) out[f.name] = String(defaults[f.name] ?? '');
  if ('seed' in out) out.seed = randomSeed();
  return out;
}

/**
 * Generate: character × pose sheet × parameters, and one big button. A docked panel on the right, so the
 * queue stays in sight while jobs are added. Every field comes from the model registry.
 */
export function GeneratePanel(props: { project: ProjectSummary }) {
  const panel = useGeneratePanel();
  const { go } = useNavigation();
  const toasts = useToasts();
  const client = useQueryClient();
  const projectPath = props.project.path;
  useSourcesLive(projectPath);
  const characters = useCharacterOptions(projectPath);
  const poses = usePoseOptions(projectPath);
  const credits = useCredits();
  const keyStatus = useKeyStatus();
  const jobs = useJobs();

  const [modelId, setModelId] = useState(DEFAULT_MODEL_ID);
  const model = getModel(modelId) ?? getModel(DEFAULT_MODEL_ID)!;
  const fields = useMemo(() => formFields(model), [model]);
  const [values, setValues] = useState(() => initialValues(model));
  const modelSelectId = useId();
  /** Another model has other fields: start from its defaults, keeping the seed the person sees. */
  const chooseModel = (id: string) => {
    const next = getModel(id);
    if (!next) return;
    setModelId(id);
    setValues((v) => ({ ...initialValues(next), ...('seed' in v ? { seed: v.seed! } : {}) }));
  };
  const [seedLocked, setSeedLocked] = useState(false);
  const [characterId, setCharacterId] = useState('');
  const [poseId, setPoseId] = useState('');
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const firstRef = useRef<HTMLSelectElement>(null);
  const characterSelectId = useId();
  const poseSelectId = useId();

  // Choose the first character and pose once they load, and forget a choice that left the project.
  const character: CharacterOption | undefined =
    characters.data?.find((c) => c.id === characterId) ??
    (characterId === '' ? characters.data?.[0] : undefined);
  const pose: PoseOption | undefined =
    poses.data?.find((p) => p.id === poseId) ?? (poseId === '' ? poses.data?.[0] : undefined);

  useEffect(() => {
    if (panel.isOpen) firstRef.current?.focus();
  }, [panel.isOpen]);

  // From where you are: the character and pose selected in the workspace (or "Generate with this").
  useEffect(
    () =>
      onSelection(({ characterId: c, poseId: p }) => {
        if (c) setCharacterId(c);
        if (p) setPoseId(p);
      }),
    [],
  );

  // "Use these parameters" from a result: take its character, pose and every parameter, seed locked.
  useEffect(
    () =>
      onParametersRequest((request) => {
        setCharacterId(request.characterId);
        setPoseId(request.poseId);
        const known = new Set(formFields(model).map((f) => f.name));
        const params = Object.entries(request.params).filter(([name]) => known.has(name));
        setValues((v) => ({
          ...v,
          ...Object.fromEntries(params.map(([name, value]) => [name, String(value)])),
          ...(request.seed !== null ? { seed: String(request.seed) } : {}),
        }));
        setSeedLocked(true);
      }),
    [model],
  );

  const composed = character ? composePrompt(character, model) : null;
  const check = validateParams(model, { ...values, [model.prompt.field]: composed?.prompt || 'x' });
  const issues: Record<string, string> = {};
  if (!check.ok) for (const i of check.issues) issues[i.field] ??= i.message;
  const issueCount = Object.keys(issues).length;
  const validParams = check.ok
    ? Object.fromEntries(
        Object.entries(check.values).filter(
          ([k]) => k !== model.prompt.field && k !== model.prompt.negativeField,
        ),
      )
    : null;

  const enqueue = useBridgeMutation(getBridge().generation.enqueue);
  // The real figure after the jobs already queued and this run, negative included; a run it cannot pay is refused.
  const budget = runBudget(
    credits.data?.credits,
    model.typicalCost,
    jobs.data?.jobs.filter(isActive).length ?? 0,
  );
  const needsReference = missingReference(model, character);
  const canGenerate =
    !!character &&
    !!pose &&
    !!validParams &&
    !needsReference &&
    !enqueue.isPending &&
    !props.project.readOnly &&
    !budget.cannotPay;
  const generate = () => {
    if (!canGenerate || !character || !pose || !validParams) return;
    enqueue.mutate(
      { modelId: model.id, characterId: character.id, poseId: pose.id, params: validParams },
      {
        onSuccess: (job) => {
          client.setQueryData<JobsData>(genKeys.jobs, (data) => upsertJob(data, job));
          if (!seedLocked && 'seed' in values) setValues((v) => ({ ...v, seed: randomSeed() }));
          toasts.show({
            message: 'Queued',
            detail: `${job.label.character} × ${job.label.pose}`,
            tone: 'success',
            action: { label: 'Show', run: () => go('queue') },
          });
        },
      },
    );
  };
  useShortcut(GENERATE_COMBO, generate, { enabled: panel.isOpen });
  // From the palette: generate when the form is ready, else open the panel to finish it.
  useCommands({ 'generate.run': panel.isOpen ? (canGenerate ? generate : undefined) : panel.open });

  const setValue = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));
  const basic = fields.filter(isBasic);
  const advanced = fieldGroups
    .map((group) => ({ group, fields: fields.filter((f) => f.group === group.id && !isBasic(f)) }))
    .filter((g) => g.fields.length > 0);
  const advancedIssues = advanced.reduce((n, g) => n + g.fields.filter((f) => issues[f.name]).length, 0);

  const cost = model.typicalCost;
  const pictures = validParams ? outputsPerRun(model, validParams) : outputsPerRun(model);
  const { after, cannotPay } = budget;
  const scale = model.outputScaleField ? Number(values[model.outputScaleField]) : NaN;
  const paused = jobs.data?.state.paused ?? null;
  const offline = jobs.data ? !jobs.data.state.online : false;

  return (
    <aside
      className="generate-panel"
      data-pane="generate"
      aria-labelledby="generate-heading"
      hidden={!panel.isOpen}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented && !isComposing(e)) {
          e.preventDefault();
          panel.close();
        }
      }}
    >
      <header className="generate-header">
        <Sparkles size={16} aria-hidden />
        <div>
          <h2 id="generate-heading">Generate</h2>
          <div className="secondary">{model.name}</div>
        </div>
        <div className="spacer" />
        <button className="ghost icon" onClick={panel.close} aria-label="Close Generate" title="Close (Esc)">
          <X size={16} />
        </button>
      </header>

      <div className="generate-body">
        {/* Model */}
        <section className="gen-section">
          <div className="row">
            <label htmlFor={modelSelectId} className="picker-label">
              Model
            </label>
            <select
              id={modelSelectId}
              className="grow"
              value={model.id}
              onChange={(e) => chooseModel(e.target.value)}
              data-testid="model-select"
            >
              {listModels().map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
          <div className="secondary">
            {model.summary} About {formatCredits(model.typicalCost)} credits and{' '}
            {Math.round(model.typicalDurationMs / 1000)} s a run.
          </div>
          <ImageRouting model={model} character={character} pose={pose} />
        </section>

        {/* Character */}
        <section className="gen-section">
          <div className="row">
            <label htmlFor={characterSelectId} className="picker-label">
              Character
            </label>
            <select
              id={characterSelectId}
              ref={firstRef}
              className="grow"
              value={character?.id ?? ''}
              onChange={(e) => setCharacterId(e.target.value)}
              disabled={!characters.data?.length}
            >
              {!characters.data?.length && (
                <option value="">{characters.isPending ? 'Loading…' : 'No characters yet'}</option>
              )}
              {characters.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          {characters.error && <ErrorNotice error={characters.error} />}
          {characters.data?.length === 0 && (
            <div className="gen-empty">
              <UserRound size={16} aria-hidden />
              <span>Describe a character first: who they are goes into the prompt.</span>
              <button onClick={() => go('characters')}>Describe a character</button>
            </div>
          )}
          {character && (
            <div className="character-card">
              {character.thumb && (
                <MediaThumb
                  className="character-thumb"
                  file={character.thumb.file}
                  thumbFile={character.thumb.thumbFile}
                  alt={`Reference of ${character.name}`}
                />
              )}
              <div className="secondary clamp-2">
                {character.description || 'No description yet: the prompt will be only the style words.'}
              </div>
            </div>
          )}
        </section>

        {/* Pose sheet */}
        <section className="gen-section">
          <div className="row">
            <label htmlFor={poseSelectId} className="picker-label">
              Pose sheet
            </label>
            <select
              id={poseSelectId}
              className="grow"
              value={pose?.id ?? ''}
              onChange={(e) => setPoseId(e.target.value)}
              disabled={!poses.data?.length}
            >
              {!poses.data?.length && (
                <option value="">{poses.isPending ? 'Loading…' : 'No poses yet'}</option>
              )}
              {groupByLibrary(poses.data ?? []).map(([library, list]) => (
                <optgroup key={library} label={library}>
                  {list.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} — {figuresText(p.figures)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          {poses.error && <ErrorNotice error={poses.error} />}
          {poses.data?.length === 0 && (
            <div className="gen-empty">
              <PersonStanding size={16} aria-hidden />
              <span>Import a pose sheet: the figures the character is drawn in.</span>
              <button onClick={() => go('poses')}>Import poses</button>
            </div>
          )}
          {pose && (
            <div className="pose-card">
              <MediaThumb
                className="pose-thumb"
                file={pose.file}
                thumbFile={pose.thumbFile}
                alt={`Pose sheet ${pose.name}`}
              />
              <dl className="facts">
                <dt>Figures</dt>
                <dd className="tabular" data-testid="pose-figures">
                  {pose.figures}
                </dd>
                <dt>Size</dt>
                <dd className="tabular">
                  {pose.width} × {pose.height}
                </dd>
                {Number.isInteger(scale) && scale > 0 && (
                  <>
                    <dt>Result</dt>
                    <dd className="tabular">
                      {pose.width * scale} × {pose.height * scale}
                    </dd>
                  </>
                )}
                <dt>Library</dt>
                <dd className="ellipsis">{pose.libraryName}</dd>
              </dl>
            </div>
          )}
          {pose && pose.kind === 'single' && (
            <div className="secondary">
              A single pose: the result is one figure. Pose sheets give a character sheet.
            </div>
          )}
        </section>

        {/* Prompt preview */}
        {composed && (
          <section className="gen-section">
            <div className="row">
              <span className="picker-label">Prompt</span>
              <span className="secondary">from {character?.name}’s description and style words</span>
            </div>
            {/* Focusable: a long prompt scrolls, and its scroll must be reachable by keyboard. */}
            <output className="prompt-preview" aria-label="Prompt that will be sent" tabIndex={0}>
              {composed.prompt}
            </output>
            <details className="negative">
              <summary className="secondary">
                Negative prompt:{' '}
                {character?.negativePrompt.trim() ? `${character.name}’s own` : 'the model’s default'}
              </summary>
              <output className="prompt-preview" aria-label="Negative prompt sent with it" tabIndex={0}>
                {composed.negativePrompt}
              </output>
            </details>
          </section>
        )}

        <section className="gen-section">
          <Presets
            projectPath={projectPath}
            model={model}
            values={values}
            savable={validParams}
            readOnly={props.project.readOnly}
            onApply={(params) => setValues((v) => ({ ...v, ...params }))}
          />
          <div className="param-grid">
            {basic.map((field) =>
              field.name === 'seed' ? (
                <ParamField
                  key={field.name}
                  field={field}
                  value={values[field.name] ?? ''}
                  issue={issues[field.name]}
                  onChange={(v) => setValue(field.name, v)}
                  addon={
                    <>
                      <button
                        className={`icon ${seedLocked ? 'on' : 'ghost'}`}
                        aria-pressed={seedLocked}
                        onClick={() => setSeedLocked((l) => !l)}
                        title={
                          seedLocked
                            ? 'Seed locked: every run uses this seed'
                            : 'A new seed after each run (click to lock this one)'
                        }
                        aria-label="Lock seed"
                      >
                        {seedLocked ? <Lock size={16} /> : <LockOpen size={16} />}
                      </button>
                      <button
                        className="ghost icon"
                        onClick={() => setValue('seed', randomSeed())}
                        title="Roll a new seed"
                        aria-label="Roll a new seed"
                      >
                        <Dices size={16} />
                      </button>
                    </>
                  }
                />
              ) : (
                <ParamField
                  key={field.name}
                  field={field}
                  value={values[field.name] ?? ''}
                  issue={issues[field.name]}
                  onChange={(v) => setValue(field.name, v)}
                />
              ),
            )}
          </div>
        </section>

        <BatchSection
          model={model}
          params={validParams}
          characters={characters.data ?? []}
          poses={poses.data ?? []}
          readOnly={props.project.readOnly}
        />

        <section className="gen-section advanced">
          <button
            className="disclosure"
            aria-expanded={advancedOpen}
            onClick={() => setAdvancedOpen((o) => !o)}
          >
            <ChevronRight size={16} className="chevron" aria-hidden />
            Advanced
            <span className="secondary">{advanced.map((g) => g.group.label.toLowerCase()).join(', ')}</span>
            {advancedIssues > 0 && (
              <span className="pill error">
                <AlertTriangle size={12} aria-hidden /> {advancedIssues} to fix
              </span>
            )}
          </button>
          {advancedOpen &&
            advanced.map(({ group, fields: groupFields }) => (
              <fieldset key={group.id} className="param-group">
                <legend>{group.label}</legend>
                <div className="secondary">{group.help}</div>
                <div className="param-grid">
                  {groupFields.map((field) => (
                    <ParamField
                      key={field.name}
                      field={field}
                      groupLabel={group.label}
                      value={values[field.name] ?? ''}
                      issue={issues[field.name]}
                      onChange={(v) => setValue(field.name, v)}
                    />
                  ))}
                </div>
              </fieldset>
            ))}
          {advancedOpen && (
            <button
              className="ghost reset"
              onClick={() => setValues((v) => ({ ...initialValues(model), seed: v.seed ?? randomSeed() }))}
            >
              Reset every setting to the defaults
            </button>
          )}
        </section>
      </div>

      <footer className="generate-footer">
        {keyStatus.data && !keyStatus.data.hasKey && (
          <div className="gen-notice warn">
            <AlertTriangle size={16} color="var(--amber)" aria-hidden />
            <span>No Segmind API key yet: the job waits in the queue until you add one.</span>
            <button onClick={() => go('settings')}>Enter a key</button>
          </div>
        )}
        {offline && (
          <div className="gen-notice">
            <WifiOff size={16} aria-hidden />
            <span>Offline: the job waits and goes out when the network is back.</span>
          </div>
        )}
        {paused && keyStatus.data?.hasKey && (
          <div className="gen-notice warn">
            <AlertTriangle size={16} color="var(--amber)" aria-hidden />
            <span>The queue is paused: {lowerFirst(errorHelp[paused.code].title)}.</span>
            <button onClick={() => go('queue')}>Open queue</button>
          </div>
        )}
        {enqueue.error && (
          <ErrorNotice
            error={enqueue.error}
            onAction={
              enqueue.error.code === 'KEY_MISSING' || enqueue.error.code === 'KEY_REJECTED'
                ? () => go('settings')
                : enqueue.error.code === 'NO_PROJECT'
                  ? undefined
                  : () => enqueue.reset()
            }
          />
        )}
        <dl className="cost-line">
          <dt>This run</dt>
          <dd className="tabular">
            ≈ {formatCredits(cost)} credits
            {pictures > 1 ? ` · ${pictures} pictures` : ''}
          </dd>
          <dt>Credits after</dt>
          <dd
            className={`tabular ${after !== undefined && after < 0 ? 'red-text' : ''}`}
            data-testid="credits-after"
          >
            {after === undefined ? '—' : `≈ ${formatCredits(after)}`}
          </dd>
        </dl>
        {cannotPay && (
          <div className="field-error" id="generate-cannot-pay">
            {cannotPay}
          </div>
        )}
        <button
          className="primary generate-button"
          onClick={generate}
          disabled={!canGenerate}
          title={cannotPay ?? `Generate (${comboLabel(GENERATE_COMBO)})`}
          aria-describedby={cannotPay ? 'generate-cannot-pay' : undefined}
        >
          <Sparkles size={16} aria-hidden />
          {enqueue.isPending ? 'Queuing…' : cannotPay ? 'Not enough credits' : 'Generate'}
          <Kbd combo={GENERATE_COMBO} />
        </button>
        {!canGenerate && !enqueue.isPending && (
          <div className="secondary center">
            {props.project.readOnly
              ? 'This project is read-only.'
              : !character
                ? 'Choose a character.'
                : !pose
                  ? 'Choose a pose sheet.'
                  : needsReference
                    ? `${model.name} needs a reference picture of ${character.name}.`
                    : issueCount > 0
                      ? `Fix ${issueCount === 1 ? 'the value' : `${issueCount} values`} marked in red.`
                      : ''}
          </div>
        )}
      </footer>
    </aside>
  );
}

function groupByLibrary(poses: readonly PoseOption[]): [string, PoseOption[]][] {
  const map = new Map<string, PoseOption[]>();
  for (const p of poses) map.set(p.libraryName, [...(map.get(p.libraryName) ?? []), p]);
  return [...map.entries()];
}

const figuresText = (n: number): string => (n === 1 ? '1 figure' : `${n} figures`);
