//! Per-request batching of loads, in place of async-graphql's `DataLoader`.
//!
//! Every resolver of one level of a query asks for its own key (`load_one`); a [`Batcher`]
//! gathers the keys asked for while the executor polls that level, runs the loader once for all
//! of them, and hands each resolver its value. It keeps async-graphql's [`Loader`] trait, so
//! loaders are written as before.
//!
//! Why not `DataLoader`: a callgrind profile of Q1 on the real ESCO import (1,012 loads per
//! request) spent 6 M instructions of 65 M in it — per key a `HashSet`, a `HashMap` per
//! requester, a oneshot channel, several SipHashes and clones of the key — plus a task spawned
//! per batch that waits on a 1 ms timer thread before loading.
//!
//! How a batch forms: the first key opens a batch, whose loading future is shared by everyone
//! who asks while it is open. The requester that opened it yields to the executor until a full
//! round of polling adds no key (every sibling resolver of the level has registered), then lets
//! the load start: it closes the batch, loads the distinct keys once and keeps each value for
//! its requesters (the last requester of a key takes it by value, the others get clones). Keys
//! asked for after the batch closed open the next one. Gathering keys happens in the request's
//! own task, with no timer; only the load itself is spawned, as its own task.
use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex, MutexGuard, Weak},
};

use async_graphql::dataloader::Loader;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use tokio::sync::oneshot;

use crate::store::FastMap;

/// A loaded batch: each value with how many requesters still wait for it.
struct Done<K, V> {
    values: Mutex<FastMap<K, (V, usize)>>,
}

type Outcome<K, V, E> = Result<Arc<Done<K, V>>, E>;

/// A batch's loading future, shared by its requesters.
type Load<K, V, E> = Shared<BoxFuture<'static, Outcome<K, V, E>>>;

/// What the requester that opened a batch holds: the batch's keys, and the signal that starts
/// its load.
type Opened<K> = (Arc<Mutex<Vec<K>>>, oneshot::Sender<()>);

/// A batch joined: its loading future and, for the requester that opened it, [`Opened`].
struct Joined<K, V, E> {
    load: Load<K, V, E>,
    opened: Option<Opened<K>>,
}

/// Where a batcher keeps its open batch, if any.
type Slot<K, V, E> = Mutex<Option<Open<K, V, E>>>;

/// The batch that is gathering keys: its keys (repeats included, one per requester) and its
/// shared loading future.
struct Open<K, V, E> {
    keys: Arc<Mutex<Vec<K>>>,
    load: Load<K, V, E>,
}

/// Batches the loads of one request (see the module comment).
pub struct Batcher<T, K>
where
    T: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    loader: Arc<T>,
    open: Arc<Slot<K, T::Value, T::Error>>,
}

/// A poisoned lock only means another resolver panicked; the data it guards is still whole.
fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T, K> Batcher<T, K>
where
    T: Loader<K>,
    T::Error: Sync,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    pub fn new(loader: T) -> Self {
        Batcher {
            loader: Arc::new(loader),
            open: Arc::new(Mutex::new(None)),
        }
    }

    /// The value of `key`, loaded with every other key asked for at the same time; None when
    /// the loader has none.
    pub async fn load_one(&self, key: K) -> Result<Option<T::Value>, T::Error> {
        let done = self.wait(std::iter::once(key.clone())).await?;
        Ok(take(&done, &key))
    }

    /// The values of `keys` (those the loader has), loaded with every other key asked for at
    /// the same time.
    pub async fn load_many<I>(&self, keys: I) -> Result<HashMap<K, T::Value>, T::Error>
    where
        I: IntoIterator<Item = K>,
    {
        let keys: Vec<K> = keys.into_iter().collect();
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let done = self.wait(keys.iter().cloned()).await?;
        let mut out = HashMap::with_capacity(keys.len());
        for key in keys {
            if let Some(v) = take(&done, &key) {
                out.insert(key, v);
            }
        }
        Ok(out)
    }

    /// The value of each of `keys`, in their order (None where the loader has none), loaded
    /// with every other key asked for at the same time; a key may repeat.
    pub async fn load_each(&self, keys: Vec<K>) -> Result<Vec<Option<T::Value>>, T::Error> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let done = self.wait(keys.iter().cloned()).await?;
        Ok(keys.iter().map(|key| take(&done, key)).collect())
    }

    /// Adds `keys` to the open batch, opening one if none is, and waits for its load. The
    /// requester that opened the batch gathers it first (see [`gather`]) and then lets it load.
    async fn wait(&self, keys: impl Iterator<Item = K>) -> Outcome<K, T::Value, T::Error> {
        let Joined { load, opened } = self.join(keys);
        if let Some((keys, go)) = opened {
            gather(&keys).await;
            // The load waits for this (it cannot be gone: `load` holds it).
            let _ = go.send(());
        }
        load.await
    }

    /// Adds `keys` to the open batch, or opens one with them; its loading future, and for the
    /// requester that opened it, the batch's keys and the signal that starts its load.
    fn join(&self, keys: impl Iterator<Item = K>) -> Joined<K, T::Value, T::Error> {
        let mut open = lock(&self.open);
        if let Some(batch) = open.as_ref() {
            lock(&batch.keys).extend(keys);
            return Joined {
                load: batch.load.clone(),
                opened: None,
            };
        }
        let batch_keys = Arc::new(Mutex::new(keys.collect::<Vec<K>>()));
        let (go, started) = oneshot::channel();
        let load = run(
            self.loader.clone(),
            Arc::downgrade(&self.open),
            batch_keys.clone(),
            started,
        )
        .boxed()
        .shared();
        *open = Some(Open {
            keys: batch_keys.clone(),
            load: load.clone(),
        });
        Joined {
            load,
            opened: Some((batch_keys, go)),
        }
    }
}

/// Lets the executor poll the rest of the request until a whole round of polling adds no key
/// to the batch (at least two rounds: a level's resolvers may reach their loads a round after
/// the first, when a list polls its items in turn). Only the requester that opened the batch
/// runs this, so each of its yields is one round of the request's polling; the shared loading
/// future is polled by every requester, several times a round.
async fn gather<K>(keys: &Mutex<Vec<K>>) {
    let mut seen = usize::MAX;
    loop {
        tokio::task::yield_now().await;
        let n = lock(keys).len();
        if n == seen {
            break;
        }
        seen = n;
    }
}

/// A requester's value: by value for the last requester of the key, a clone for the others.
fn take<K: Hash + Eq, V: Clone>(done: &Done<K, V>, key: &K) -> Option<V> {
    let mut values = lock(&done.values);
    let (value, waiting) = values.get_mut(key)?;
    if *waiting > 1 {
        *waiting -= 1;
        return Some(value.clone());
    }
    values.remove(key).map(|(v, _)| v)
}

/// The loading future of one batch: waits until the requester that opened the batch has
/// gathered it (or went away), closes the batch, then loads the distinct keys.
///
/// It holds the batcher's slot weakly: the slot holds this future, and a batch whose requesters
/// all went away (a cancelled request) must not keep the two alive.
async fn run<T, K>(
    loader: Arc<T>,
    open: Weak<Slot<K, T::Value, T::Error>>,
    keys: Arc<Mutex<Vec<K>>>,
    started: oneshot::Receiver<()>,
) -> Outcome<K, T::Value, T::Error>
where
    T: Loader<K>,
    T::Error: Sync,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    // An error only means the opener was cancelled: the others load without it.
    let _ = started.await;
    // Close this batch: keys asked for from now on open the next one.
    if let Some(open) = open.upgrade() {
        let mut open = lock(&open);
        if open
            .as_ref()
            .is_some_and(|batch| Arc::ptr_eq(&batch.keys, &keys))
        {
            *open = None;
        }
    }
    let keys = std::mem::take(&mut *lock(&keys));
    let mut wanted: FastMap<K, usize> = FastMap::default();
    wanted.reserve(keys.len());
    for k in keys {
        *wanted.entry(k).or_insert(0) += 1;
    }
    let distinct: Vec<K> = wanted.keys().cloned().collect();
    // The load runs as a task of its own: a statement's rows arrive a few at a time, and each
    // arrival wakes whoever polls the load. Polled inline, that was the whole request's
    // future, every pending resolver of it polled again per wake-up (Q1's instructions in the
    // statements' futures rose from 1.1 M to 2.8 M).
    // In the request's scope of kept answers (a task-local, which a spawned task does not
    // inherit): a read-only request's nested pages may come from memory.
    let answers = crate::store::answers::current();
    let load = async move { loader.load(&distinct).await };
    let loaded = match tokio::spawn(crate::store::answers::within(answers, load)).await {
        Ok(loaded) => loaded?,
        // The loader panicked (or the runtime is going down): fail as an inline load would.
        Err(e) => std::panic::resume_unwind(
            e.try_into_panic()
                .unwrap_or_else(|e| Box::new(e.to_string())),
        ),
    };
    let mut values: FastMap<K, (T::Value, usize)> = FastMap::default();
    values.reserve(loaded.len());
    for (k, v) in loaded {
        if let Some(n) = wanted.get(&k) {
            values.insert(k, (v, *n));
        }
    }
    Ok(Arc::new(Done {
        values: Mutex::new(values),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// What a [`Doubler`] was asked for: every batch, and how many loads ran.
    #[derive(Default)]
    struct Record {
        batches: Mutex<Vec<Vec<i64>>>,
        calls: AtomicUsize,
    }

    /// Doubles its keys (none for 0, an error for -1) and records every batch.
    struct Doubler(Arc<Record>);

    impl Loader<i64> for Doubler {
        type Value = String;
        type Error = String;

        async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, String>, String> {
            self.0.calls.fetch_add(1, Ordering::SeqCst);
            let mut sorted = keys.to_vec();
            sorted.sort_unstable();
            lock(&self.0.batches).push(sorted);
            if keys.contains(&-1) {
                return Err("no negative keys".into());
            }
            Ok(keys
                .iter()
                .filter(|k| **k != 0)
                .map(|k| (*k, (k * 2).to_string()))
                .collect())
        }
    }

    #[tokio::test]
    async fn siblings_share_one_load_and_repeated_keys_load_once() {
        let doubler = Arc::new(Record::default());
        let batcher = Batcher::new(Doubler(doubler.clone()));
        // Keys reached at different depths of nesting, as resolvers of one level are.
        let nested = |k: i64| {
            let b = &batcher;
            async move {
                tokio::task::yield_now().await;
                b.load_one(k).await
            }
        };
        let (a, b, c, d, e) = tokio::join!(
            batcher.load_one(1),
            batcher.load_one(2),
            nested(3),
            batcher.load_one(2),
            batcher.load_one(0)
        );
        assert_eq!(a, Ok(Some("2".to_owned())));
        assert_eq!(b, Ok(Some("4".to_owned())));
        assert_eq!(c, Ok(Some("6".to_owned())));
        assert_eq!(d, Ok(Some("4".to_owned())));
        assert_eq!(e, Ok(None), "a key the loader has no value for");
        assert_eq!(*lock(&doubler.batches), vec![vec![0, 1, 2, 3]]);
    }

    #[tokio::test]
    async fn a_key_asked_after_the_load_opens_the_next_batch() {
        let doubler = Arc::new(Record::default());
        let batcher = Batcher::new(Doubler(doubler.clone()));
        assert_eq!(batcher.load_one(5).await, Ok(Some("10".to_owned())));
        let many = batcher.load_many([6, 7, 6]).await;
        assert_eq!(
            many,
            Ok(HashMap::from([(6, "12".to_owned()), (7, "14".to_owned())]))
        );
        assert_eq!(*lock(&doubler.batches), vec![vec![5], vec![6, 7]]);
        assert_eq!(
            batcher.load_many(Vec::<i64>::new()).await,
            Ok(HashMap::new())
        );
        assert_eq!(doubler.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn every_requester_of_a_failed_batch_gets_its_error() {
        let doubler = Arc::new(Record::default());
        let batcher = Batcher::new(Doubler(doubler.clone()));
        let (a, b) = tokio::join!(batcher.load_one(-1), batcher.load_one(4));
        assert_eq!(a, Err("no negative keys".to_owned()));
        assert_eq!(b, Err("no negative keys".to_owned()));
        // The failed batch is closed: the next load runs on its own.
        assert_eq!(batcher.load_one(4).await, Ok(Some("8".to_owned())));
    }

    #[tokio::test]
    async fn load_each_answers_in_key_order_with_repeats_and_misses() {
        let doubler = Arc::new(Record::default());
        let batcher = Batcher::new(Doubler(doubler.clone()));
        let (each, one) = tokio::join!(batcher.load_each(vec![3, 0, 3, 1]), batcher.load_one(5));
        assert_eq!(
            each,
            Ok(vec![
                Some("6".to_owned()),
                None,
                Some("6".to_owned()),
                Some("2".to_owned())
            ])
        );
        assert_eq!(one, Ok(Some("10".to_owned())));
        // One load for both requesters, each distinct key once.
        assert_eq!(*lock(&doubler.batches), vec![vec![0, 1, 3, 5]]);
        assert_eq!(batcher.load_each(Vec::new()).await, Ok(Vec::new()));
        assert_eq!(doubler.calls.load(Ordering::SeqCst), 1);
    }
}
